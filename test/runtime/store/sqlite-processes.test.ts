import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../runtime/store/index.js';
import { buildStoreForChildProcesses } from './build-store.js';
import { dialogKey, dialogState, write } from './helpers.js';

const WORKER = 'test/runtime/store/fixtures/cas-worker.mjs';
const INCREMENTS = 1500;

interface Worker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: AsyncIterator<string>;
  readonly exit: Promise<{ code: number | null; stderr: string }>;
}

function startWorker(entry: string, file: string, name: string): Worker {
  const child = spawn(process.execPath, [WORKER, entry, file, name, String(INCREMENTS)], { stdio: 'pipe' });
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
});
