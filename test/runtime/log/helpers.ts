import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { compileScenario, emitMachineConfig, type MachineConfig } from '../../../compiler/index.js';
import { createLogger, LOG_FILE_STEM, type Logger, type LoggerOptions } from '../../../runtime/log/index.js';

/** A bot token of the form Telegram issues; the part after the colon is the secret. */
export const TOKEN = '7012345678:AAHsweepSecretTokenValue_abcdefghijklmnopq';
export const TOKEN_SECRET = TOKEN.slice(TOKEN.indexOf(':') + 1);

/** A sign-up: free text, an e-mail, a phone, a sensitive password (set into another variable and tested), a button. */
export const SIGNUP = {
  name: 'Sign-up',
  version: '1',
  start_step: 'ask_name',
  steps: {
    ask_name: { message: { text: "What's your name?" }, expected_input: { type: 'text', variable: 'name' }, next_step: 'ask_email' },
    ask_email: { message: { text: 'Your e-mail, {{name}}?' }, expected_input: { type: 'email', variable: 'email' }, next_step: 'ask_phone' },
    ask_phone: { message: { text: 'And your phone?' }, expected_input: { type: 'phone', variable: 'phone' }, next_step: 'ask_password' },
    ask_password: {
      message: { text: 'Choose a password.' },
      expected_input: { type: 'text', variable: 'password', sensitive: true, error_message: 'Please send a password.' },
      next_step: 'check',
    },
    check: {
      set: { secret_copy: 'password', greeting: '"hello"' },
      next_step: { type: 'conditional', conditions: [{ if: 'password == "letmein"', then: 'weak' }], else: 'confirm' },
    },
    weak: { message: { text: 'That password is too easy.' } },
    confirm: {
      message: { text: 'Thanks {{name}}! We will write to {{email}} and call {{phone}}.' },
      buttons: [
        { text: 'OK', value: 'ok' },
        { text: 'Stop', value: 'stop' },
      ],
      expected_input: { type: 'button', variable: 'choice' },
      next_step: { type: 'conditional', conditions: [{ if: 'choice == "ok"', then: 'done' }], else: 'done' },
    },
    done: { message: { text: 'All done, {{name}}.' } },
  },
};

export function compile(json: object): MachineConfig {
  const r = compileScenario(JSON.stringify(json), { file: 'inline.json' });
  if (!r.ir) throw new Error(`inline scenario does not compile: ${JSON.stringify(r.diagnostics)}`);
  return emitMachineConfig(r.ir);
}

export interface Capture {
  readonly logger: Logger;
  /** Parsed console lines. */
  readonly lines: Record<string, unknown>[];
  /** The console output as written. */
  raw(): string;
}

/** A real pino logger (createLogger) whose console lines are kept; `options` may add file logging. */
export function capture(options: LoggerOptions = {}): Capture {
  const lines: Record<string, unknown>[] = [];
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      const text = String(chunk);
      chunks.push(text);
      for (const line of text.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', ...options, destination }), lines, raw: () => chunks.join('') };
}

/** The log files of a directory, oldest first (pino-roll numbers them). */
export function logFiles(dir: string): string[] {
  const order = (f: string): [string, number] => {
    const m = /\.([^.]*)\.(\d+)\.log$/.exec(f);
    return m ? [m[1]!, Number(m[2])] : ['', 0];
  };
  if (!existsSync(dir)) return []; // pino-roll's worker creates it with the first line
  return readdirSync(dir)
    .filter((f) => f.startsWith(LOG_FILE_STEM) && f.endsWith('.log'))
    .sort((a, b) => {
      const [da, na] = order(a);
      const [db, nb] = order(b);
      return da.localeCompare(db) || na - nb;
    })
    .map((f) => join(dir, f));
}

/** Every line of every log file in the directory. */
export function fileLines(dir: string): string[] {
  return logFiles(dir).flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== ''),
  );
}

export async function waitUntil(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
