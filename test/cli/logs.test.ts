import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderRecord } from '../../cli/commands/logs.js';
import { logFilesIn } from '../../cli/log-viewer/files.js';
import { ENV_FILE } from '../../cli/log-viewer/setup.js';
import { EVENT_TYPES, readLogSettings } from '../../runtime/log/index.js';
import { runCli } from '../support/cli.js';

const FIXTURES = resolve('test/fixtures/logs');
const FILES = ['scenarist.2026-11-23.1.log', 'scenarist.2026-11-23.2.log', 'scenarist.2026-11-24.1.log'];
/** Every line of the fixtures, in chronological order. */
const ALL = FILES.flatMap((f) => readFileSync(join(FIXTURES, f), 'utf8').trimEnd().split('\n'));
const GARBAGE = 'Error: socket hang up (a stray line that is not JSON)';
const RECORDS = ALL.filter((l) => l !== GARBAGE).map((l) => JSON.parse(l) as Record<string, unknown>);

const temp = (): string => mkdtempSync(join(tmpdir(), 'scenarist-logs-'));
const lines = (stdout: string): string[] => stdout.split('\n').filter((l) => l !== '');
/** The --raw lines of the fixture records that pass `keep`, in order. */
const rawWhere = (keep: (r: Record<string, unknown>) => boolean): string[] => ALL.filter((l) => l !== GARBAGE && keep(JSON.parse(l) as Record<string, unknown>));

async function raw(...args: string[]): Promise<string[]> {
  const r = await runCli(['logs', '--raw', FIXTURES, ...args]);
  expect(r.code).toBe(0);
  return lines(r.stdout);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('scenarist logs: reading', () => {
  it('prints every line of every log file of a directory, oldest file first, rotated ones included', async () => {
    const r = await runCli(['logs', FIXTURES]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = lines(r.stdout);
    expect(out).toHaveLength(ALL.length);
    expect(out[0]).toBe('2026-11-23 09:00:00.000 INFO                 server listening port=3000');
    expect(out[1]).toBe('2026-11-23 09:00:01.000 INFO    INCOMING     greeter/telegram:42 #1001 incoming message dialog_id=dlg-greeter-42 text=hi');
    expect(out).toContain('2026-11-24 05:52:00.000 ERROR   ERROR        shop/telegram:77 #2002 scenario failed dialog_id=dlg-shop-77 err="Timeout waiting for the payment provider"');
    // The stray line is shown as it is, where it was.
    expect(out[7]).toBe(GARBAGE);
    const stamps = out.filter((l) => l !== GARBAGE).map((l) => l.slice(0, 23));
    expect(stamps).toEqual([...stamps].sort());
    expect(stamps).toEqual(RECORDS.map((rec) => String(rec['time']).slice(0, 23).replace('T', ' ')));
  });

  it('renders each line with the console text format, coloured on request', () => {
    const record = RECORDS[1]!;
    expect(renderRecord(record, false)).toBe('2026-11-23 09:00:01.000 INFO    INCOMING     greeter/telegram:42 #1001 incoming message dialog_id=dlg-greeter-42 text=hi');
    const coloured = renderRecord(record, true);
    expect(coloured).toContain('\x1b[');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(renderRecord(record, false));
    // pino's numeric levels and epoch times are shown like ours.
    expect(renderRecord({ level: 40, time: Date.UTC(2026, 10, 24, 5, 51, 29, 123), msg: 'slow' }, false)).toBe('2026-11-24 05:51:29.123 WARNING              slow');
  });

  it('orders files by the date in the name, then by rotation number (9 before 10); skips other files and symlinks', async () => {
    const dir = temp();
    const names = ['scenarist.2026-11-24.1.log', 'scenarist.2026-11-23.10.log', 'scenarist.2026-11-23.9.log', 'scenarist.2026-11-22.2.log'];
    for (const n of names) writeFileSync(join(dir, n), `{"level":"INFO","time":"2026-11-24T00:00:00.000Z","msg":"from ${n}"}\n`);
    writeFileSync(join(dir, 'notes.txt'), 'not a log\n');
    symlinkSync(join(dir, 'scenarist.2026-11-24.1.log'), join(dir, 'current.log'));
    expect((await logFilesIn(dir)).map((f) => f.name)).toEqual(['scenarist.2026-11-22.2.log', 'scenarist.2026-11-23.9.log', 'scenarist.2026-11-23.10.log', 'scenarist.2026-11-24.1.log']);
    const r = await runCli(['logs', dir]);
    expect(lines(r.stdout).map((l) => l.split('from ')[1])).toEqual(['scenarist.2026-11-22.2.log', 'scenarist.2026-11-23.9.log', 'scenarist.2026-11-23.10.log', 'scenarist.2026-11-24.1.log']);
  });

  it('reads the log directory of the environment by default (BOT_LOG_DIR)', async () => {
    vi.stubEnv('BOT_LOG_DIR', FIXTURES);
    const r = await runCli(['logs', '--raw']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(ALL.filter((l) => l !== GARBAGE));
    // A relative BOT_LOG_DIR is taken from the working directory.
    vi.stubEnv('BOT_LOG_DIR', 'logs');
    expect(lines((await runCli(['logs', '--raw'], { cwd: resolve('test/fixtures') })).stdout)).toHaveLength(RECORDS.length);
  });

  it('reads files named on the command line, in the order given', async () => {
    const [first, , last] = FILES.map((f) => join(FIXTURES, f));
    const r = await runCli(['logs', '--raw', last!, first!]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([...readFileSync(last!, 'utf8').trimEnd().split('\n'), ...readFileSync(first!, 'utf8').trimEnd().split('\n')]);
  });

  it('reads standard input with "-"', async () => {
    const input = `${ALL.join('\n')}\n`;
    const r = await runCli(['logs', '-', '--bot-id', 'shop', '--level', 'WARNING'], { stdin: input });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      '2026-11-23 21:00:02.000 WARNING ADAPTER      shop/telegram:77 send retried after a network error dialog_id=dlg-shop-77 attempt=2',
      '2026-11-24 05:52:00.000 ERROR   ERROR        shop/telegram:77 #2002 scenario failed dialog_id=dlg-shop-77 err="Timeout waiting for the payment provider"',
    ]);
    // A last line without a line end counts; Windows line ends too.
    const crlf = await runCli(['logs', '--raw', '-'], { stdin: `${ALL.slice(0, 3).join('\r\n')}` });
    expect(lines(crlf.stdout)).toEqual(ALL.slice(0, 3));
  });

  it('never crashes on lines that are not JSON; --raw leaves them out and counts them', async () => {
    const input = ['garbage {', '{"level":"INFO","msg":"ok"}', '[1,2]', '42', '{"unterminated": ', '', 'plain text'].join('\n');
    const text = await runCli(['logs', '-'], { stdin: input });
    expect(text.code).toBe(0);
    const shown = lines(text.stdout);
    expect(shown).toHaveLength(6);
    expect(shown[1]).toMatch(/^INFO +ok$/);
    expect(shown.filter((_, i) => i !== 1)).toEqual(['garbage {', '[1,2]', '42', '{"unterminated": ', 'plain text']);
    const r = await runCli(['logs', '--raw', '-'], { stdin: input });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"level":"INFO","msg":"ok"}\n');
    expect(r.stderr).toBe('scenarist logs: left out 5 lines that are not JSON.\n');
    // A field filter cannot match them; --contains searches their text.
    expect(lines((await runCli(['logs', FIXTURES, '--level', 'DEBUG'])).stdout)).not.toContain(GARBAGE);
    expect(lines((await runCli(['logs', FIXTURES, '--contains', 'HANG UP'])).stdout)).toEqual([GARBAGE]);
  });

  it('says how to turn file logging on when the log directory is missing (exit 1)', async () => {
    const dir = join(temp(), 'logs');
    vi.stubEnv('BOT_LOG_DIR', dir);
    const r = await runCli(['logs']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`no log directory at ${dir} (BOT_LOG_DIR=${dir})`);
    expect(r.stderr).toContain('BOT_FILE_LOGGING=true');
    expect(r.stderr).toContain('scenarist logs --setup');
    const named = await runCli(['logs', join(dir, 'nope.log')]);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain('nope.log: no such file or directory');
  });

  it('says so when the directory has no log files yet (exit 0)', async () => {
    const r = await runCli(['logs', temp()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no log files \(\*\.log\) in .* yet/);
  });
});

describe('scenarist logs: filters', () => {
  it('--bot-id, --platform, --chat-id and --dialog-id each keep the matching lines', async () => {
    expect(await raw('--bot-id', 'shop')).toEqual(rawWhere((r) => r['bot_id'] === 'shop'));
    expect(await raw('--platform', 'web')).toEqual(rawWhere((r) => r['platform'] === 'web'));
    expect(await raw('--chat-id', '77')).toEqual(rawWhere((r) => r['platform_chat_id'] === '77'));
    expect(await raw('--dialog-id', 'dlg-greeter-42')).toEqual(rawWhere((r) => r['dialog_id'] === 'dlg-greeter-42'));
    expect(await raw('--bot-id', 'shop')).toHaveLength(5);
    expect(await raw('--chat-id', '77')).toHaveLength(6);
    expect(await raw('--dialog-id', 'dlg-greeter-42')).toHaveLength(7);
    expect(await raw('--bot-id', 'nobody')).toEqual([]);
  });

  it('--level keeps that level and the more severe ones', async () => {
    const rank = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 } as Record<string, number>;
    for (const level of ['DEBUG', 'INFO', 'WARNING', 'ERROR']) {
      expect(await raw('--level', level)).toEqual(rawWhere((r) => rank[String(r['level'])]! >= rank[level]!));
    }
    expect(await raw('--level', 'warn')).toHaveLength(3);
    expect(await raw('--level', 'error')).toEqual(rawWhere((r) => r['level'] === 'ERROR'));
  });

  it('--event-type takes one type or a comma list', async () => {
    expect(await raw('--event-type', 'INCOMING')).toEqual(rawWhere((r) => r['event_type'] === 'INCOMING'));
    expect(await raw('--event-type', 'incoming, outgoing')).toEqual(rawWhere((r) => r['event_type'] === 'INCOMING' || r['event_type'] === 'OUTGOING'));
    expect(await raw('--event-type', 'STATE_CHANGE,ERROR,WEBHOOK')).toHaveLength(4);
  });

  it('--from-date and --to-date take dates (a whole day for --to-date) and date-times, UTC unless told', async () => {
    const at = (r: Record<string, unknown>): number => Date.parse(String(r['time']));
    expect(await raw('--from-date', '2026-11-24')).toEqual(rawWhere((r) => at(r) >= Date.UTC(2026, 10, 24)));
    expect(await raw('--to-date', '2026-11-23')).toEqual(rawWhere((r) => at(r) < Date.UTC(2026, 10, 24)));
    // The whole last day, up to its last millisecond.
    expect((await raw('--to-date', '2026-11-24')).at(-1)).toContain('23:59:59.999Z');
    expect(await raw('--from-date', '2026-11-23T21:00', '--to-date', '2026-11-24T05:51')).toEqual(
      rawWhere((r) => at(r) >= Date.UTC(2026, 10, 23, 21) && at(r) < Date.UTC(2026, 10, 24, 5, 52)),
    );
    expect(await raw('--from-date', '2026-11-24T05:51:29.123Z', '--to-date', '2026-11-24T05:51:29.123Z')).toHaveLength(1);
    expect(await raw('--from-date', '2026-11-24T08:51:29+03:00', '--to-date', '2026-11-24 05:51:29')).toHaveLength(1);
  });

  it('--contains finds text in the message or any field, ignoring case', async () => {
    expect(await raw('--contains', 'ann')).toEqual(rawWhere((r) => r['text'] === 'Ann' || r['text'] === 'Hello Ann!'));
    expect(await raw('--contains', 'TIMEOUT')).toHaveLength(1);
    expect(await raw('--contains', 'wrong secret')).toHaveLength(1);
    expect(await raw('--contains', 'coffee')).toHaveLength(1);
    expect(await raw('--contains', 'dlg-shop-web')).toHaveLength(1);
  });

  it('combines filters: every one given must match', async () => {
    expect(await raw('--bot-id', 'greeter', '--chat-id', '42', '--event-type', 'INCOMING,OUTGOING', '--from-date', '2026-11-23T12:00')).toEqual(
      rawWhere((r) => r['bot_id'] === 'greeter' && r['platform_chat_id'] === '42' && ['INCOMING', 'OUTGOING'].includes(String(r['event_type'])) && String(r['time']) > '2026-11-23T12'),
    );
    expect(await raw('--bot-id', 'greeter', '--chat-id', '42', '--event-type', 'INCOMING,OUTGOING', '--from-date', '2026-11-23T12:00')).toHaveLength(2);
    expect(await raw('--bot-id', 'shop', '--level', 'WARNING', '--contains', 'network')).toHaveLength(1);
    expect(await raw('--platform', 'telegram', '--chat-id', '42', '--level', 'INFO', '--to-date', '2026-11-23')).toHaveLength(4);
    const text = await runCli(['logs', FIXTURES, '--bot-id', 'greeter', '--chat-id', '77']);
    expect(lines(text.stdout)).toEqual([
      '2026-11-24 06:10:00.000 INFO    INCOMING     greeter/telegram:77 #1003 incoming message dialog_id=dlg-greeter-77 text=hello',
      '2026-11-24 06:10:01.000 INFO    STATE_CHANGE greeter/telegram:77 #1003 dialog ended dialog_id=dlg-greeter-77 step=null',
    ]);
  });

  it('refuses bad option values with exit 2', async () => {
    for (const args of [
      ['--level', 'LOUD'],
      ['--event-type', 'INCOMING,SHOUTING'],
      ['--from-date', 'yesterday'],
      ['--to-date', '2026-02-30'],
      ['--from-date', '2026-11-24T25:00'],
      ['--from-date', '2026-11-24', '--to-date', '2026-11-23'],
      ['--tail', 'ten'],
      ['--tail', '-1'],
      ['--force'],
      ['--bot-id', ''],
      ['--colour'],
    ]) {
      const r = await runCli(['logs', FIXTURES, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Usage: scenarist logs');
    }
    expect((await runCli(['logs', FIXTURES, '--level', 'LOUD'])).stderr).toContain('expected one of DEBUG, INFO, WARNING, ERROR');
  });
});

describe('scenarist logs: output', () => {
  it('--raw prints the matching lines exactly as stored', async () => {
    const r = await runCli(['logs', '--raw', FIXTURES]);
    expect(r.stdout).toBe(`${ALL.filter((l) => l !== GARBAGE).join('\n')}\n`);
    expect(r.stderr).toBe('scenarist logs: left out 1 line that is not JSON.\n');
  });

  it('--tail N prints the last N matching lines, across files', async () => {
    expect(await raw('--tail', '3')).toEqual(ALL.slice(-3));
    expect(await raw('--tail', '8')).toEqual(rawWhere(() => true).slice(-8));
    expect(await raw('--tail', '2', '--bot-id', 'shop')).toEqual(rawWhere((r) => r['bot_id'] === 'shop').slice(-2));
    expect(await raw('--tail', '100')).toEqual(rawWhere(() => true));
    expect(await raw('--tail', '0')).toEqual([]);
    const text = await runCli(['logs', FIXTURES, '--tail', '1']);
    expect(text.stdout).toBe('2026-11-24 23:59:59.999 INFO    INCOMING     shop/web:42 #3001 incoming message dialog_id=dlg-shop-web-42 text=Cart\n');
  });

  it('--help lists the options', async () => {
    const r = await runCli(['logs', '--help']);
    expect(r.code).toBe(0);
    for (const o of ['--bot-id', '--platform', '--chat-id', '--dialog-id', '--level', '--event-type', '--from-date', '--to-date', '--contains', '--raw', '--tail', '--follow', '--setup', '--force']) {
      expect(r.stdout).toContain(o);
    }
    expect((await runCli(['--help'])).stdout).toMatch(/logs\s+Read the log files/);
  });
});

describe('scenarist logs --setup', () => {
  const parseEnv = (text: string): Record<string, string> =>
    Object.fromEntries(
      text
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );

  it('writes a file that git ignores in this repository (it is local configuration)', () => {
    const r = spawnSync('git', ['check-ignore', '--no-index', '-q', ENV_FILE], { cwd: resolve('.') });
    expect(r.status).toBe(0);
  });

  it('creates the log directory and .env.logging, and says how to use them', async () => {
    const cwd = temp();
    const r = await runCli(['logs', '--setup', 'logs'], { cwd });
    expect(r.code).toBe(0);
    expect(existsSync(join(cwd, 'logs'))).toBe(true);
    const text = readFileSync(join(cwd, '.env.logging'), 'utf8');
    const env = parseEnv(text);
    expect(env).toEqual({
      BOT_LOG_LEVEL: 'INFO',
      BOT_LOG_FORMAT: 'text',
      BOT_FILE_LOGGING: 'true',
      BOT_LOG_DIR: './logs',
      BOT_LOG_MAX_SIZE: '10m',
      BOT_LOG_MAX_FILES: '14',
      BOT_LOG_MASK_PII: 'true',
    });
    expect(text).toMatch(/^# /m);
    // The runtime accepts every value.
    expect(readLogSettings(env, { cwd, container: false })).toMatchObject({ level: 'INFO', format: 'text', fileLogging: true, dir: './logs' });
    expect(r.stdout).toContain('Created the log directory ./logs.');
    expect(r.stdout).toContain('set -a; . ./.env.logging; set +a');
    expect(r.stdout).toContain('npm start');
    // The viewer then finds the (empty) directory.
    vi.stubEnv('BOT_LOG_DIR', env['BOT_LOG_DIR']!);
    expect((await runCli(['logs'], { cwd })).code).toBe(0);
  });

  it('uses BOT_LOG_DIR when no DIR is given, and writes the --level asked for', async () => {
    const cwd = temp();
    const elsewhere = join(temp(), 'bot logs');
    vi.stubEnv('BOT_LOG_DIR', elsewhere);
    const r = await runCli(['logs', '--setup', '--level', 'debug'], { cwd });
    expect(r.code).toBe(0);
    expect(existsSync(elsewhere)).toBe(true);
    const env = parseEnv(readFileSync(join(cwd, '.env.logging'), 'utf8'));
    expect(env['BOT_LOG_LEVEL']).toBe('DEBUG');
    expect(env['BOT_LOG_DIR']).toBe(`'${elsewhere}'`);
  });

  it('never overwrites .env.logging without --force', async () => {
    const cwd = temp();
    writeFileSync(join(cwd, '.env.logging'), 'MINE=1\n');
    const r = await runCli(['logs', '--setup', 'logs'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('.env.logging exists');
    expect(r.stderr).toContain('--force');
    expect(readFileSync(join(cwd, '.env.logging'), 'utf8')).toBe('MINE=1\n');
    expect(existsSync(join(cwd, 'logs'))).toBe(false);
    const forced = await runCli(['logs', '--setup', 'logs', '--force'], { cwd });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(cwd, '.env.logging'), 'utf8')).toContain('BOT_FILE_LOGGING=true');
    // An existing directory is kept as it is.
    mkdirSync(join(cwd, 'old'));
    writeFileSync(join(cwd, 'old', 'scenarist.2026-11-24.1.log'), '{}\n');
    const again = await runCli(['logs', '--setup', 'old', '--force'], { cwd });
    expect(again.stdout).toContain('Using the log directory ./old.');
    expect(readFileSync(join(cwd, 'old', 'scenarist.2026-11-24.1.log'), 'utf8')).toBe('{}\n');
  });

  it('refuses viewer options with --setup (exit 2)', async () => {
    const cwd = temp();
    for (const args of [['--follow'], ['--bot-id', 'x'], ['a', 'b'], ['--level', 'LOUD']]) {
      const r = await runCli(['logs', '--setup', ...args], { cwd });
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect(existsSync(join(cwd, '.env.logging'))).toBe(false);
  });
});

describe('scenarist logs --follow (the built CLI in a child process)', () => {
  it('prints lines as they are appended, into a new file after rotation, until SIGINT', async () => {
    expect(existsSync('dist/cli/commands/logs.js'), 'the CLI is not built: run "npm run build" (npm test does)').toBe(true);
    const dir = temp();
    cpSync(join(FIXTURES, FILES[0]!), join(dir, FILES[0]!));
    cpSync(join(FIXTURES, FILES[1]!), join(dir, FILES[1]!));
    const child = spawn(process.execPath, [resolve('bin/scenarist.js'), 'logs', '--follow', '--raw', '--bot-id', 'greeter', '--tail', '2', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const until = async (what: string, check: () => boolean): Promise<void> => {
      const deadline = Date.now() + 15_000;
      while (!check()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const line = (bot: string, msg: string, day = '23'): string =>
      JSON.stringify({ level: 'INFO', time: `2026-11-${day}T22:00:00.000Z`, bot_id: bot, platform: 'telegram', platform_chat_id: '42', event_type: 'PROCESSING', msg });
    try {
      // The last two matching lines first.
      const greeter = rawWhere((r) => r['bot_id'] === 'greeter' && String(r['time']) < '2026-11-24');
      await until('the tail', () => lines(stdout).length >= 2);
      expect(lines(stdout)).toEqual(greeter.slice(-2));
      // Appended lines; another bot's line is filtered out; a line written in two parts is printed once, whole.
      appendFileSync(join(dir, FILES[1]!), `${line('shop', 'not for us')}\n${line('greeter', 'appended')}\n`);
      await until('the appended line', () => stdout.includes('"appended"'));
      const half = line('greeter', 'written in two parts');
      appendFileSync(join(dir, FILES[1]!), half.slice(0, 40));
      await new Promise((r) => setTimeout(r, 500));
      appendFileSync(join(dir, FILES[1]!), `${half.slice(40)}\n`);
      await until('the line written in two parts', () => stdout.includes('two parts'));
      // Rotation: a new file.
      writeFileSync(join(dir, 'scenarist.2026-11-24.1.log'), `${line('greeter', 'after rotation', '24')}\n`);
      await until('the line of the new file', () => stdout.includes('after rotation'));
      appendFileSync(join(dir, 'scenarist.2026-11-24.1.log'), `${line('greeter', 'still following', '24')}\n`);
      await until('the second line of the new file', () => stdout.includes('still following'));
      expect(lines(stdout)).toEqual([...greeter.slice(-2), line('greeter', 'appended'), half, line('greeter', 'after rotation', '24'), line('greeter', 'still following', '24')]);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});

describe('scenarist logs --help', () => {
  it('names every event type the runtime logs, and the web chat among the platforms', async () => {
    const { stdout } = await runCli(['logs', '--help']);
    const listed = /--event-type TYPES[^:]*:([^(]+)/.exec(stdout)![1]!.split(/[\s,]+/).filter(Boolean);
    expect(listed).toEqual([...EVENT_TYPES]);
    expect(/--platform NAME +(.*)/.exec(stdout)![1]).toContain('webchat');
  });
});
