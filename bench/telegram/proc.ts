/** Process plumbing for the Telegram benchmark: CPU pinning, spawning servers, /proc readings. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Server on core 0, this process (load generator + fake Bot API) on core 1 — when the machine allows it. */
export const pinning = {
  enabled: hasTaskset && os.availableParallelism() >= 2,
  describe(): string {
    if (!hasTaskset) return 'none (taskset not found: server and load generator share all cores)';
    if (!this.enabled) return 'none (fewer than 2 cores)';
    return 'server on core 0, load generator + fake Bot API on core 1 (taskset)';
  },
};

/** Pins every thread of this process; threads started later (libuv pool) inherit it. */
export function pinSelf(): void {
  if (pinning.enabled) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Server {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
}

/** Starts `command args` pinned to core 0 (taskset execs it, so the pid is the server's own). */
export function startServer(command: string, args: string[], env: Record<string, string>, logFile: string): Server {
  const fd = openSync(logFile, 'w');
  const [file, argv] = pinning.enabled ? ['taskset', ['-c', '0', command, ...args]] : [command, args];
  const child = spawn(file, argv, {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return { child, pid: child.pid, logFile };
}

export function logTail(file: string, bytes = 3000): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '(no log)';
  }
}

const getOk = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });

/** Polls GET /readyz until 200; fails early if the process exits. */
export async function waitReady(server: Server, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`server exited (${server.child.exitCode ?? server.child.signalCode}) before ready:\n${logTail(server.logFile)}`);
    }
    if (await getOk(url)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server not ready at ${url} after ${timeoutMs} ms:\n${logTail(server.logFile)}`);
}

export async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Fields of /proc/<pid>/status in kB, e.g. VmRSS, VmHWM. */
export function procStatusKB(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, ms) the process has used so far. */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks;
}

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** CPU time (ms) all cores spent busy so far, from /proc/stat: to see what other processes took. */
export function systemBusyMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const busy = ticks[0]! + ticks[1]! + ticks[2]! + ticks[5]! + ticks[6]! + ticks[7]!;
  return (busy * 1000) / clockTicks;
}
