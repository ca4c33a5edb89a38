import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, type DialogKey, type DialogState, type HistoryEntry } from '../../runtime/store/index.js';
import { transcriptLine } from '../../cli/commands/history.js';
import { runCli } from '../support/cli.js';

const temp = (): string => mkdtempSync(join(tmpdir(), 'scenarist-history-'));
const AT = Date.UTC(2026, 10, 24, 5, 51, 29);

function state(key: DialogKey, rev: number, step: string | null): DialogState {
  return {
    key,
    rev,
    scenarioVersion: 'v1',
    step,
    status: step === null ? 'ended' : 'active',
    vars: {},
    snapshot: { status: 'active', value: step ?? 'done', context: {}, children: {} },
    outbox: [],
    lastSeq: 0,
    delivered: 0,
    recentUpdates: [],
    blocked: false,
    createdAt: AT,
    updatedAt: AT + rev * 1000,
  };
}

const greeter42: DialogKey = { botId: 'greeter', platform: 'telegram', chatId: '42' };
const greeter77: DialogKey = { botId: 'greeter', platform: 'telegram', chatId: '77' };
const WEB_SESSION = 'V1StGXR8_Z5jdHi6B-myT0aQ';
const webSession: DialogKey = { botId: 'greeter', platform: 'webchat', chatId: WEB_SESSION };
const both: DialogKey[] = ['telegram', 'webchat'].map((platform) => ({ botId: 'greeter', platform, chatId: '88' }));

/** Three turns of chat 42: a greeting with buttons, a press, a sensitive answer (stored masked) and a two-line reply. */
function turns(key: DialogKey): HistoryEntry[][] {
  const h = (rev: number, e: Omit<HistoryEntry, 'key' | 'rev' | 'at'>, s = 0): HistoryEntry => ({ key, rev, at: AT + rev * 1000 + s, ...e });
  return [
    [
      h(1, { direction: 'in', step: null, text: '/start', updateId: '1001' }),
      h(1, { direction: 'out', step: 'welcome', text: 'Welcome! Shall we start?', buttons: [{ text: 'Yes', value: 'yes' }, { text: 'Later', value: 'later' }] }, 1),
    ],
    [
      h(2, { direction: 'in', step: 'welcome', press: 'yes', updateId: '1002' }),
      h(2, { direction: 'out', step: 'ask_pin', text: 'Your PIN?' }, 1),
    ],
    [
      h(3, { direction: 'in', step: 'ask_pin', text: '***', updateId: '1003' }),
      h(3, { direction: 'out', step: 'done', text: 'Thanks.\nSee you!', buttons: [{ text: 'Again', value: 'Again' }] }, 1),
    ],
  ];
}

let dir: string;
let db: string;
let stored: HistoryEntry[];

beforeAll(async () => {
  dir = temp();
  db = join(dir, 'scenarist.db');
  const store = await openStore(`sqlite:${db}`);
  try {
    const steps = ['welcome', 'ask_pin', null];
    for (const [i, history] of turns(greeter42).entries()) {
      expect(await store.writeDialog({ expectedRev: i, state: state(greeter42, i + 1, steps[i]!), history })).toBe(true);
    }
    const other: HistoryEntry = { key: greeter77, rev: 1, direction: 'in', step: null, text: 'hello from 77', at: AT };
    expect(await store.writeDialog({ expectedRev: 0, state: state(greeter77, 1, 'welcome'), history: [other] })).toBe(true);
    for (const key of [webSession, ...both]) {
      const hello: HistoryEntry = { key, rev: 1, direction: 'in', step: null, text: `hello on ${key.platform}`, at: AT };
      expect(await store.writeDialog({ expectedRev: 0, state: state(key, 1, 'welcome'), history: [hello] })).toBe(true);
    }
    stored = await store.history(greeter42);
  } finally {
    await store.close();
  }
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const TRANSCRIPT = `greeter/telegram:42: 6 messages
2026-11-24 05:51:30  user  -        /start
2026-11-24 05:51:30  bot   welcome  Welcome! Shall we start?
                                    buttons: [Yes -> yes] [Later -> later]
2026-11-24 05:51:31  user  welcome  [pressed yes]
2026-11-24 05:51:31  bot   ask_pin  Your PIN?
2026-11-24 05:51:32  user  ask_pin  ***
2026-11-24 05:51:32  bot   done     Thanks.
                                    See you!
                                    buttons: [Again]
`;

describe('scenarist history', () => {
  it("prints a dialog's transcript: time, user or bot, step, text, pressed button, buttons", async () => {
    const r = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '42', '--database', `sqlite:${db}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(TRANSCRIPT);
  });

  it('reads DATABASE_URL, a relative path taken from the working directory', async () => {
    vi.stubEnv('DATABASE_URL', 'scenarist.db');
    const r = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '42', '--platform', 'telegram'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(TRANSCRIPT);
    // --database wins over DATABASE_URL.
    vi.stubEnv('DATABASE_URL', join(dir, 'elsewhere.db'));
    expect((await runCli(['history', '--bot-id', 'greeter', '--chat-id', '42', '--database', db])).stdout).toBe(TRANSCRIPT);
  });

  it('--limit N prints the last N messages', async () => {
    const r = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '42', '--database', db, '--limit', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('greeter/telegram:42: 2 messages, the last 2: --limit N for more');
    expect(r.stdout).toContain('***');
    expect(r.stdout).toContain('See you!');
    expect(r.stdout).not.toContain('Your PIN?');
  });

  it('--json prints the stored entries', async () => {
    const r = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '42', '--database', db, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(stored);
    expect(stored).toHaveLength(6);
    expect(stored[2]).toMatchObject({ direction: 'in', press: 'yes', step: 'welcome' });
    const last = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '42', '--database', db, '--json', '--limit', '1']);
    expect(JSON.parse(last.stdout)).toEqual(stored.slice(-1));
  });

  it('keeps dialogs apart', async () => {
    const r = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '77', '--database', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('greeter/telegram:77: 1 message\n2026-11-24 05:51:29  user  -  hello from 77\n');
  });

  it('finds a web chat session without --platform, and asks for --platform when a chat id is on two platforms', async () => {
    const r = await runCli(['history', '--bot-id', 'greeter', '--chat-id', WEB_SESSION, '--database', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`greeter/webchat:${WEB_SESSION}: 1 message\n2026-11-24 05:51:29  user  -  hello on webchat\n`);
    const twice = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '88', '--database', db]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('telegram and webchat');
    const chosen = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '88', '--platform', 'webchat', '--database', db]);
    expect(chosen.stdout).toContain('hello on webchat');
  });

  it('says so when a dialog has no history (exit 1)', async () => {
    const r = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '99', '--database', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no messages for chat 99 of bot greeter on telegram');
    const otherPlatform = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '42', '--platform', 'web', '--database', db, '--json']);
    expect(otherPlatform.code).toBe(1);
    expect(otherPlatform.stdout).toBe('[]\n');
  });

  it('does not create a database that is missing (exit 1)', async () => {
    const missing = join(temp(), 'data', 'scenarist.db');
    const r = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '42', '--database', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no database at ${missing}`);
    expect(existsSync(missing)).toBe(false);
    // The default: data/scenarist.db in the working directory.
    const cwd = temp();
    vi.stubEnv('DATABASE_URL', '');
    const byDefault = await runCli(['history', '--bot-id', 'greeter', '--chat-id', '42'], { cwd });
    expect(byDefault.code).toBe(1);
    expect(byDefault.stderr).toContain(join(cwd, 'data', 'scenarist.db'));
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  });

  it('refuses usage mistakes with exit 2', async () => {
    for (const args of [
      ['--chat-id', '42'],
      ['--bot-id', 'greeter'],
      ['--bot-id', 'greeter', '--chat-id', '42', '--limit', '0'],
      ['--bot-id', 'greeter', '--chat-id', '42', '--limit', 'all'],
      ['--bot-id', 'greeter', '--chat-id', '42', '--database', 'postgres://localhost/x'],
      ['--bot-id', 'greeter', '--chat-id', '42', 'extra'],
    ]) {
      const r = await runCli(['history', ...args, ...(args.includes('--database') ? [] : ['--database', db])]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('Usage: scenarist history');
    }
    expect((await runCli(['history', '--bot-id', 'greeter', '--chat-id', '42', '--database', 'postgres://localhost/x'])).stderr).toContain('unsupported --database');
  });
});

describe('scenarist history: media', () => {
  it('shows the media of a line after its text: files by name, type and size, URLs, locations and contacts', () => {
    const at = Date.UTC(2026, 11, 3, 19, 0, 0);
    const file = { id: 'a'.repeat(64), sha256: 'a'.repeat(64), mime: 'image/jpeg', size: 212, name: 'receipt.jpg' };
    const userPhoto = transcriptLine({ direction: 'in', step: 'ask_receipt', at, media: [{ kind: 'photo', file }] }, 11, false);
    expect(userPhoto).toBe('2026-12-03 19:00:00  user  ask_receipt  [photo: receipt.jpg, image/jpeg, 212 bytes]\n');
    const declared = transcriptLine({ direction: 'in', step: 'ask_receipt', at, text: 'my receipt', media: [{ kind: 'document', name: 'r.pdf', mime: 'application/pdf', size: 9 }] }, 11, false);
    expect(declared.split('\n').map((l) => l.trim())).toEqual(['2026-12-03 19:00:00  user  ask_receipt  my receipt', '[document: r.pdf, application/pdf, 9 bytes]', '']);
    const bot = transcriptLine(
      {
        direction: 'out',
        step: 'show',
        at,
        text: 'Here:',
        media: [
          { kind: 'image', file, caption: 'receipt.jpg, 212 bytes' },
          { kind: 'video', url: 'https://example.com/a.mp4' },
          { kind: 'location', latitude: 52.52, longitude: 13.405, title: 'Shop' },
          { kind: 'contact', phone: '+1 555 0100', first_name: 'Ada', last_name: 'Lovelace' },
        ],
      },
      4,
      false,
    );
    expect(bot.split('\n').map((l) => l.trim())).toEqual([
      '2026-12-03 19:00:00  bot   show  Here:',
      '[image: receipt.jpg, image/jpeg, 212 bytes] receipt.jpg, 212 bytes',
      '[video: https://example.com/a.mp4]',
      '[location: 52.52, 13.405 (Shop)]',
      '[contact: Ada Lovelace, +1 555 0100]',
      '',
    ]);
  });
});
