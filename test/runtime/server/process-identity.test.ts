import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireProcessIdentity } from '../../../runtime/server/process-identity.js';

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'scenarist-identity-'));

describe('acquireProcessIdentity', () => {
  it('gives processes running at the same time on one data directory different names', () => {
    const dir = dataDir();
    const alive = (): boolean => true;
    const a = acquireProcessIdentity(dir, 101, alive);
    const b = acquireProcessIdentity(dir, 102, alive);
    const c = acquireProcessIdentity(dir, 101, alive);
    expect(new Set([a.owner, b.owner, c.owner]).size).toBe(3);
  });

  it('gives a process started after one died (kill -9) the dead one’s name, so it takes its leases over', () => {
    const dir = dataDir();
    const dead = new Set<number>();
    const alive = (pid: number): boolean => !dead.has(pid);
    const first = acquireProcessIdentity(dir, 201, alive);
    const other = acquireProcessIdentity(dir, 202, alive);
    dead.add(201); // never released
    const restarted = acquireProcessIdentity(dir, 203, alive);
    expect(restarted.owner).toBe(first.owner);
    expect(restarted.owner).not.toBe(other.owner);
  });

  it('frees the name on a clean stop for the next process', () => {
    const dir = dataDir();
    const alive = (): boolean => true;
    const first = acquireProcessIdentity(dir, 301, alive);
    first.release();
    expect(acquireProcessIdentity(dir, 302, alive).owner).toBe(first.owner);
  });

  it('names the data directory and the host, so processes on other directories never share a name', () => {
    const alive = (): boolean => true;
    expect(acquireProcessIdentity(dataDir(), 401, alive).owner).not.toBe(acquireProcessIdentity(dataDir(), 401, alive).owner);
  });
});
