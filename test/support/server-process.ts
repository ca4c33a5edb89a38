import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const PROCESS_TOKEN = '424242:AAHprocessTestToken_abcdefghijklmnop';
export const PROCESS_SECRET = 'process-secret';

/**
 * A temp dir with a config file for one bot ("greeter": the spec example, or the scenario given as an object) and
 * a SQLite path.
 */
export function processWorkspace(scenario?: object): { dir: string; config: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-proc-'));
  const config = join(dir, 'scenarist.config.json');
  let file = resolve('examples/spec-example.json');
  if (scenario) writeFileSync((file = join(dir, 'scenario.json')), JSON.stringify(scenario));
  writeFileSync(config, JSON.stringify({ bots: [{ id: 'greeter', scenario: file }] }));
  return { dir, config, db: join(dir, 'dialogs.db') };
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** What the process printed on stderr so far (the startup banner). */
  readonly stderr: () => string;
  readonly url: string;
  readonly lines: Record<string, unknown>[];
  post(update: unknown): Promise<number>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL: no cleanup at all. */
  kill(): Promise<void>;
}

/** Runs the built CLI (`node bin/scenarist.js serve`) as a child process and waits until it listens. */
export async function startServerProcess(
  ws: { dir: string; config: string; db: string },
  apiRoot: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [resolve('bin/scenarist.js'), 'serve', '--config', ws.config, '--port', '0', ...args], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      DATABASE_URL: ws.db,
      DATA_DIR: join(ws.dir, 'data'),
      TELEGRAM_API_ROOT: apiRoot,
      TELEGRAM_MODE: 'webhook',
      ENCRYPTION_KEY: 'd'.repeat(64),
      TELEGRAM_TOKEN_GREETER: PROCESS_TOKEN,
      TELEGRAM_WEBHOOK_SECRET_GREETER: PROCESS_SECRET,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s\n${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return; // not a log line
      }
      lines.push(entry);
      if (entry['msg'] === 'scenarist is serving') {
        clearTimeout(timer);
        resolveUrl(String(entry['url']));
      }
    });
  });
  const post = async (update: unknown): Promise<number> => {
    const r = await fetch(`${url}/webhooks/telegram/greeter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': PROCESS_SECRET },
      body: JSON.stringify(update),
    });
    await r.arrayBuffer();
    return r.status;
  };
  return {
    child,
    stderr: () => stderr,
    url,
    lines,
    post,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export const SPEC_REPLIES = (name: string): string[] => [
  'Welcome to our bot!',
  "What's your name?",
  `Nice to meet you, ${name}!`,
  'This bot was built with Scenarist: a JSON scenario compiled into a state machine.',
  `Goodbye, ${name}!`,
];
