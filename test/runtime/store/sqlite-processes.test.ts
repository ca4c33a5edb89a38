import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../runtime/store/index.js';
import { INDEX_NAMES, SCHEMA_VERSION } from '../../../runtime/store/sqlite-schema.js';
import { buildStoreForChildProcesses } from './build-store.js';
import { dialogKey, dialogState, historyEntry, scenarioOf, write } from './helpers.js';
import { VERSION_1, writeVersion1 } from './schema-version1.js';
import { VERSION_2, writeVersion2 } from './schema-version2.js';
import { timer } from './contract-agenda.js';

const WORKER = 'test/runtime/store/fixtures/cas-worker.mjs';
const INCREMENTS = 1500;

interface Worker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: AsyncIterator<string>;
  readonly exit: Promise<{ code: number | null; stderr: string }>;
}

function startWorker(entry: string, file: string, name: string, increments = INCREMENTS): Worker {
  const child = spawn(process.execPath, [WORKER, entry, file, name, String(increments)], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; stderr: string }>((done) => child.on('close', (code) => done({ code, stderr })));
  return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator](), exit };
}

async function nextLine(w: Worker): Promise<string> {
  const r = await w.lines.next();
  if (r.done) throw new Error(`the worker ended before writing a line: ${JSON.stringify(await w.exit)}`);
  return r.value;
}

describe('SqliteStore across processes', () => {
  let build: { dir: string; entry: string };
  let dir: string;
  beforeAll(() => {
    build = buildStoreForChildProcesses();
    dir = mkdtempSync(join(tmpdir(), 'scenarist-procs-'));
  });
  afterAll(() => {
    rmSync(build.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no compare-and-set increment when two processes write one dialog at once', async () => {
    const file = join(dir, 'shared.db');
    const key = dialogKey('shared');
    const setup = openSqliteStore({ file });
    expect(await write(setup, dialogState(key, 1, { vars: {} }))).toBe(true);
    await setup.close();

    const workers = ['w0', 'w1'].map((name) => startWorker(build.entry, file, name));
    for (const w of workers) expect(await nextLine(w)).toBe('ready');
    for (const w of workers) w.child.stdin.write('go\n');
    const reports = await Promise.all(workers.map(async (w) => JSON.parse(await nextLine(w)) as { name: string; conflicts: number }));
    expect(await Promise.all(workers.map((w) => w.exit))).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    expect(reports.map((r) => r.name)).toEqual(['w0', 'w1']);

    const store = openSqliteStore({ file });
    const d = await store.getDialog(key);
    expect(d?.rev).toBe(1 + 2 * INCREMENTS);
    expect(d?.vars).toEqual({ w0: INCREMENTS, w1: INCREMENTS });
    const history = await store.history(key, { limit: 10_000 });
    expect(history.map((h) => h.rev)).toEqual(Array.from({ length: 2 * INCREMENTS }, (_, i) => i + 2));
    expect(new Set(history.map((h) => h.text)).size).toBe(2 * INCREMENTS);
    await store.close();
  });

  /** Three processes open `file` at the same moment (no writes) and exit cleanly. */
  async function openAtOnce(file: string): Promise<void> {
    const workers = ['w0', 'w1', 'w2'].map((name) => startWorker(build.entry, file, name, 0));
    for (const w of workers) expect(await nextLine(w)).toBe('ready');
    for (const w of workers) w.child.stdin.write('go\n');
    expect(await Promise.all(workers.map((w) => w.exit))).toEqual(workers.map(() => ({ code: 0, stderr: '' })));
  }

  it('opens a file of the previous schema from several processes at once; the missing indexes and column are added', async () => {
    const file = join(dir, 'legacy.db');
    const setup = openSqliteStore({ file });
    expect(await write(setup, dialogState(dialogKey('shared'), 1))).toBe(true);
    await setup.putScenario(scenarioOf('b1', 'h-a', 1));
    await setup.putScenario(scenarioOf('b1', 'h-b', 2));
    await setup.close();
    const old = new Database(file);
    for (const name of INDEX_NAMES) old.exec(`DROP INDEX ${name}`);
    old.exec('ALTER TABLE scenarios DROP COLUMN activated_at');
    old.close();

    await openAtOnce(file);

    const db = new Database(file, { readonly: true });
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map((r) => r.name);
    db.close();
    expect(names).toEqual(expect.arrayContaining([...INDEX_NAMES]));
    const store = openSqliteStore({ file });
    expect((await store.listDialogs('b1')).map((d) => d.key.chatId)).toEqual(['shared']);
    expect((await store.listScenarios('b1')).map((s) => [s.version, s.activatedAt])).toEqual([
      [2, 2],
      [1, 1],
    ]);
    expect((await store.getScenario('b1'))?.version).toBe(2);
    await store.close();
  });
  it('converts a file of schema version 1 once when several processes open it at once', async () => {
    const file = join(dir, 'version1.db');
    const key = dialogKey('shared');
    const old = new Database(file);
    old.exec(VERSION_1);
    for (let rev = 1; rev <= 3; rev++) {
      writeVersion1(old, { expectedRev: rev - 1, state: dialogState(key, rev), history: [historyEntry(key, rev, 'in', `q${rev}`), historyEntry(key, rev, 'out', `a${rev}`)] });
    }
    old.close();

    await openAtOnce(file);

    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT COUNT(*) AS n FROM history').get()).toEqual({ n: 3 });
    db.close();
    const store = openSqliteStore({ file });
    expect((await store.history(key)).map((h) => `${h.rev}:${h.text}`)).toEqual(['1:q1', '1:a1', '2:q2', '2:a2', '3:q3', '3:a3']);
    expect((await store.getDialog(key))?.rev).toBe(3);
    await store.close();
  });

  it('adds the agenda to a file of schema version 2 once when several processes open it at once', async () => {
    const file = join(dir, 'version2.db');
    const key = dialogKey('shared');
    const old = new Database(file);
    old.exec(VERSION_2);
    writeVersion2(old, { expectedRev: 0, state: dialogState(key, 1), history: [historyEntry(key, 1, 'in', 'q1')] });
    old.close();

    await openAtOnce(file);

    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect((db.pragma('table_info(dialogs)') as { name: string }[]).filter((c) => c.name.startsWith('agenda')).map((c) => c.name)).toEqual([
      'agenda', 'agenda_due', 'agenda_owner', 'agenda_until',
    ]);
    db.close();
    const store = openSqliteStore({ file });
    expect(await write(store, dialogState(key, 2, { agenda: [timer('2.0', 10)] }))).toBe(true);
    expect(await store.dueAgenda(10, 10)).toEqual([key]);
    await store.close();
  });
});
