import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the built CLI (dist/: `npm run build` first) in a fresh process and lists the packages it loaded, ES
// modules (seen by a load hook) and CommonJS ones (the require cache).
const PROBE = `
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const seen = new Set();
let last;
const done = new Promise((r) => (last = r));
port1.on('message', (url) => (url === 'data:text/javascript,/*last*/' ? last() : seen.add(url)));
register('data:text/javascript,' + encodeURIComponent('let port; export function initialize(d) { port = d.port; } export async function load(u, c, next) { port.postMessage(u); return next(u, c); }'), { data: { port: port2 }, transferList: [port2] });
const { main } = await import(process.env.CLI_MAIN);
const quiet = { stdout: () => {}, stderr: () => {}, stdin: process.stdin, cwd: process.cwd(), color: false };
const code = await main(JSON.parse(process.env.CLI_ARGS), quiet);
// Messages arrive in order: once this one is in, every earlier load has been seen.
await import('data:text/javascript,/*last*/');
await done;
port1.close();
const urls = [...seen, ...Object.keys(createRequire(import.meta.url).cache)];
const packages = new Set(urls.map((u) => u.match(/node_modules\\/((@[^/]+\\/)?[^/]+)/)?.[1]).filter(Boolean));
process.stdout.write(JSON.stringify({ code, packages: [...packages].sort() }));
`;

function loadedBy(args: string[]): Promise<{ code: number; packages: string[] }> {
  return new Promise((done, fail) => {
    const env = { ...process.env, CLI_MAIN: pathToFileURL(resolve('dist/cli/main.js')).href, CLI_ARGS: JSON.stringify(args) };
    execFile(process.execPath, ['--input-type=module', '-e', PROBE], { env, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${err.message}\n${stderr}`)) : done(JSON.parse(stdout) as { code: number; packages: string[] }),
    );
  });
}

/** What only the server, the engine or the log viewer need; lodash-es comes with Chevrotain's entry point. */
const SERVER_PACKAGES = ['koa', '@koa/router', '@koa/bodyparser', 'pino', 'better-sqlite3', 'mongoose', 'telegraf', 'xstate', 'prom-client', 'ws', 'lodash-es'];

describe('a compile or check from a cold process', () => {
  it('loads none of the server packages to compile a scenario', async () => {
    const out = mkdtempSync(join(tmpdir(), 'scenarist-cold-'));
    const { code, packages } = await loadedBy(['compile', 'examples/spec-example.json', 'examples/menu-loop.scn', '--out', out]);
    expect(code).toBe(0);
    expect(packages).toContain('chevrotain');
    expect(packages.filter((p) => SERVER_PACKAGES.includes(p))).toEqual([]);
  });

  it('loads none of the server packages to check a scenario', async () => {
    const { code, packages } = await loadedBy(['check', 'examples/spec-example.json']);
    expect(code).toBe(0);
    expect(packages.filter((p) => SERVER_PACKAGES.includes(p))).toEqual([]);
  });
});
