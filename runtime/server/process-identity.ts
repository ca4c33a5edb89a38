import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** How many processes may share one data directory. */
const SLOTS = 64;
/** A takeover lock older than this was left by a process that died while taking a slot over. */
const STALE_LOCK_MS = 10_000;
/** Slot files held by identities created in this process, with the pid they were taken for (tests start several servers in one process). */
const heldHere = new Map<string, number>();

export interface ProcessIdentity {
  /** The owner name of this process's delivery leases: host, data directory and slot. */
  readonly owner: string;
  /** Frees the slot (clean shutdown); the next process to start takes it. */
  release(): void;
}

/** True unless no process has this pid (EPERM: it exists, under another user). */
function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Names this process in delivery leases so that the next process started on the same data directory and host
 * takes over what it held: after a crash (kill -9) or a restart, its replies go out at once instead of waiting
 * for the leases to expire. Processes running at the same time never share a name: each holds a slot file
 * `DATA_DIR/delivery/slot-N.pid` with its pid, and a slot is taken over only when that pid is gone (or is this
 * process's own, as for pid 1 in a restarted container). Fencing tokens keep a late old incarnation from sending.
 */
export function acquireProcessIdentity(dataDir: string, pid = process.pid, isAlive: (pid: number) => boolean = defaultIsAlive): ProcessIdentity {
  const dir = join(dataDir, 'delivery');
  mkdirSync(dir, { recursive: true });
  const place = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 8);
  for (let slot = 0; slot < SLOTS; slot++) {
    const path = join(dir, `slot-${slot}.pid`);
    if (heldHere.get(path) === pid || !takeSlot(path, pid, isAlive)) continue;
    heldHere.set(path, pid);
    return {
      owner: `${hostname()}:${place}:${slot}`,
      release: () => {
        if (heldHere.get(path) !== pid) return;
        heldHere.delete(path);
        if (readPid(path) === pid) unlinkSync(path);
      },
    };
  }
  throw new Error(`more than ${SLOTS} processes share the data directory ${dataDir}`);
}

function takeSlot(path: string, pid: number, isAlive: (pid: number) => boolean): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const holder = readPid(path);
  if (holder === pid) return true;
  if (holder !== undefined && isAlive(holder)) return false;
  // Stale: take it over under a lock, so two processes starting at once cannot both take it.
  const lock = `${path}.lock`;
  try {
    mkdirSync(lock);
  } catch {
    if (Date.now() - lockTime(lock) > STALE_LOCK_MS) removeLock(lock);
    return false;
  }
  try {
    const again = readPid(path);
    if (again !== holder && again !== undefined && again !== pid && isAlive(again)) return false;
    writeFileSync(`${path}.${pid}`, String(pid));
    renameSync(`${path}.${pid}`, path);
    return true;
  } finally {
    removeLock(lock);
  }
}

function removeLock(lock: string): void {
  try {
    rmdirSync(lock);
  } catch {
    // Gone already.
  }
}

function lockTime(lock: string): number {
  try {
    return statSync(lock).mtimeMs;
  } catch {
    return Date.now();
  }
}
