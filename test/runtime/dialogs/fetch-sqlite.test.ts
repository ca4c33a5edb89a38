import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PlatformAdapter } from '../../../runtime/adapters/types.js';
import type { DialogEvent } from '../../../runtime/dialogs/index.js';
import { Dialog, type MachineConfig } from '../../../runtime/engine/index.js';
import { DiskMediaStore } from '../../../runtime/media/index.js';
import { openSqliteStore, type AgendaEntry, type Store } from '../../../runtime/store/index.js';
import { PNG } from '../media/contract.js';
import { harness, key, SPEC } from './harness.js';

const RECEIVING = { ...SPEC, version: `${SPEC.version}-media-sqlite` } as unknown as MachineConfig;
const entry = (attempts: number): AgendaEntry => ({
  id: '9.1',
  kind: 'fetch',
  name: 'fetch',
  step: 'ask_name',
  due: 0,
  at: 0,
  fetch: { files: [{ kind: 'photo', ref: 'file-1' }], limits: { maxBytes: 1_000_000 } },
  attempts,
});

describe('fetching media across processes (SQLite, disk media store)', () => {
  let dir = '';
  const stores: Store[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const s of stores.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a process that died mid-download leaves its lease to expire; another claims the entry, counts the attempt and stores the file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'scenarist-fetch-'));
    const open = (): Store => {
      const s = openSqliteStore({ file: join(dir, 'bots.db') });
      stores.push(s);
      return s;
    };
    const media = new DiskMediaStore(join(dir, 'media'));
    const first = harness({ config: RECEIVING, store: open(), owner: 'p1', media });
    await first.send({ id: 1, chat: 'c', text: '/start' });
    const state = (await first.store.getDialog(key('c')))!;
    // The dead process wrote its first attempt, claimed the agenda and never renewed nor released it.
    expect(await first.store.writeDialog({ expectedRev: state.rev, state: { ...state, rev: state.rev + 1, agenda: [entry(1)] }, history: [] })).toBeTruthy();
    expect(await first.store.claimAgenda(key('c'), 'p1', Date.now(), 300)).toBeDefined();

    const second = harness({ config: RECEIVING, store: open(), owner: 'p2', media, agenda: { sweepMs: 20 } });
    const attempts: number[] = [];
    (second.adapter as PlatformAdapter).download = async () => {
      attempts.push((await second.store.getDialog(key('c')))!.agenda![0]!.attempts!);
      return { kind: 'stream', body: Readable.from([PNG]) };
    };
    const sent = vi.spyOn(Dialog.prototype, 'sendEvent');
    const events: DialogEvent[] = [];
    second.manager.observe((e) => events.push(e));
    second.manager.start();
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'fetch').map((e) => e.type === 'fetch' && [e.outcome, e.attempts])).toEqual([['ok', 2]]), { timeout: 5000, interval: 20 });
    await second.manager.stop();
    expect(attempts).toEqual([2]);
    const event = sent.mock.calls.at(-1)![0];
    expect(event.type === 'media.stored' && event.ok && (await media.stat(event.files[0]!.id))).toMatchObject({ mime: 'image/png', size: PNG.length });
    expect((await second.store.getDialog(key('c')))!.agenda).toBeUndefined();
  });
});
