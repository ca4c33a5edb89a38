/**
 * Another connection holds the SQLite write lock (another process, a long migration, a backup): the server keeps
 * answering, says it is not ready while it cannot write, and the writes waiting meanwhile go through once the lock
 * is released. better-sqlite3 is synchronous, so this holds only if no lock wait blocks the event loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../runtime/server/index.js';
import { dialogKey, dialogState, write } from '../store/helpers.js';
import { serveGreeter } from './serve-greeter.js';

/** The longest delay of a repeating timer while it runs: how long the event loop was blocked at worst. */
function stallMonitor(): { stop(): number } {
  const every = 10;
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - every);
    last = now;
  }, every);
  return {
    stop() {
      clearInterval(timer);
      return worst;
    },
  };
}

let dir: string;
let server: RunningServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scenarist-lock-'));
  server = await serveGreeter(dir, 'lock-test-admin-token-0123456789');
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a SQLite write lock held by another connection', () => {
  it('blocks no request: /healthz answers, /readyz is 503, and waiting writes commit once it is released', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const holder = new Database(join(dir, 'db.sqlite'));
    holder.exec('BEGIN IMMEDIATE');
    const stall = stallMonitor();
    try {
      const pending = write(server.store, dialogState(dialogKey('locked', 'greeter'), 1));
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ store: { status: 'unavailable' } });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      // Reads need no write lock (WAL).
      expect(await server.store.getDialog(dialogKey('locked', 'greeter'))).toBeUndefined();
      holder.exec('ROLLBACK');
      expect(await pending).toBe(true);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(await server.store.getDialog(dialogKey('locked', 'greeter'))).toMatchObject({ rev: 1 });
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
    }
    // A lock wait that blocked the loop would show here as a delay of seconds (the old busy timeout was 5 s).
    expect(stall.stop()).toBeLessThan(500);
  });
});
