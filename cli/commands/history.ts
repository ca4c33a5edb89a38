import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { MediaNote } from '../../runtime/store/index.js';
import { cyan, dim, green, UsageError, type Io } from '../io.js';
import type { Command } from './command.js';

/** The store's default history page (runtime/store DEFAULT_HISTORY_LIMIT), repeated so --help needs no import. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 100_000;
/** The platforms of this package, looked through when --platform is not given. */
const PLATFORMS = ['telegram', 'webchat'] as const;

export const historyCommand: Command = {
  name: 'history',
  summary: "Print a dialog's transcript from the store",
  usage: 'scenarist history --bot-id BOT --chat-id CHAT [--platform NAME] [--limit N] [--json] [--database URL]',
  help: `Prints the messages of one dialog (a chat of a bot on a platform) as the store keeps them, oldest first:
time (UTC), who wrote (user or bot), the step, the text. A pressed button shows its value; a bot message
lists its buttons below it. Media follow the text, one a line: [photo: receipt.jpg, image/jpeg, 212 bytes],
[image: https://…] caption, [location: 52.52, 13.405], [contact: Ada Lovelace, +44 20 7946 0000].
Sensitive answers, and replies that show them, are printed as stored (masked by the runtime).

Options:
  --bot-id BOT      the bot (required)
  --chat-id CHAT    the chat on the platform (required)
  --platform NAME   the platform (default: the one of telegram and webchat that has this chat)
  --limit N         the last N messages (default ${DEFAULT_LIMIT})
  --json            the stored entries as a JSON array
  --database URL    the store (default: $DATABASE_URL, else SQLite at data/scenarist.db): a SQLite path,
                    sqlite:PATH, mongodb://…
  --help            show this help

Exit status: 0 when the dialog has messages; 1 when it has none or the store cannot be read; 2 for a usage
mistake.`,
  options: {
    'bot-id': { type: 'string' },
    'chat-id': { type: 'string' },
    platform: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    database: { type: 'string' },
  },
  async run(io: Io, args) {
    if (args.positionals.length > 0) throw new UsageError('history takes no positional arguments (use --bot-id and --chat-id)');
    const str = (name: string): string | undefined => {
      const v = args.values[name];
      if (v === undefined || typeof v !== 'string') return undefined;
      if (v.trim() === '') throw new UsageError(`--${name} needs a value`);
      return v.trim();
    };
    const botId = str('bot-id');
    const chatId = str('chat-id');
    if (botId === undefined || chatId === undefined) throw new UsageError('history needs --bot-id and --chat-id');
    const platformOption = str('platform');
    const limitText = str('limit');
    if (limitText !== undefined && (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_LIMIT)) {
      throw new UsageError(`--limit ${JSON.stringify(limitText)}: expected a number from 1 to ${MAX_LIMIT}`);
    }
    const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
    const json = args.values['json'] === true;

    const fromOption = str('database');
    const url = fromOption ?? (process.env['DATABASE_URL']?.trim() || undefined);
    const name = fromOption !== undefined ? '--database' : url !== undefined ? 'DATABASE_URL' : 'the default database';
    // Loaded here: the store pulls in the SQLite driver, which other commands do not need.
    const { openStore, parseDatabaseUrl, StoreUnavailableError, DEFAULT_SQLITE_FILE } = await import('../../runtime/store/index.js');
    let location;
    try {
      location = parseDatabaseUrl(url);
    } catch (err) {
      throw new UsageError((err as Error).message.replace('DATABASE_URL', name));
    }
    if (location.kind === 'sqlite' && location.file !== ':memory:') {
      // Opening a missing SQLite file would create an empty database: say there is none instead.
      const file = isAbsolute(location.file) ? location.file : resolve(io.cwd, location.file);
      if (!existsSync(file)) {
        const hint = url === undefined ? ` (${DEFAULT_SQLITE_FILE}; set DATABASE_URL or --database for another store)` : ` (${name})`;
        io.stderr(`scenarist history: no database at ${file}${hint}.\n`);
        return 1;
      }
    }
    let store;
    try {
      store = await openStore(url, { cwd: io.cwd, mongoServerSelectionTimeoutMS: 5000 });
    } catch (err) {
      io.stderr(`scenarist history: cannot open the store (${name}): ${(err as Error).message}\n`);
      return 1;
    }
    try {
      let platform = platformOption ?? PLATFORMS[0];
      let entries;
      try {
        if (platformOption === undefined) {
          const found = await platformsWith(store, botId, chatId);
          if (found.length > 1) {
            io.stderr(`scenarist history: chat ${chatId} of bot ${botId} has messages on ${found.join(' and ')}: choose one with --platform.\n`);
            return 2;
          }
          platform = found[0] ?? platform;
        }
        entries = await store.history({ botId, platform, chatId }, { limit });
      } catch (err) {
        if (!(err instanceof StoreUnavailableError)) throw err;
        io.stderr(`scenarist history: the store cannot be read: ${err.message}\n`);
        return 1;
      }
      if (entries.length === 0) {
        if (json) io.stdout('[]\n');
        const where = platformOption ?? PLATFORMS.join(' or ');
        io.stderr(`scenarist history: no messages for chat ${chatId} of bot ${botId} on ${where} (${name}).\n`);
        return 1;
      }
      if (json) {
        io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
        return 0;
      }
      const more = entries.length === limit ? `, the last ${limit}: --limit N for more` : '';
      io.stdout(`${botId}/${platform}:${chatId}: ${entries.length} message${entries.length === 1 ? '' : 's'}${more}\n`);
      const stepWidth = Math.min(24, Math.max(1, ...entries.map((e) => (e.step ?? '-').length)));
      for (const e of entries) io.stdout(transcriptLine(e, stepWidth, io.color));
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** The platforms on which a chat of a bot has history. */
async function platformsWith(store: { history(key: { botId: string; platform: string; chatId: string }, q: { limit: number }): Promise<readonly unknown[]> }, botId: string, chatId: string): Promise<string[]> {
  const found: string[] = [];
  for (const platform of PLATFORMS) if ((await store.history({ botId, platform, chatId }, { limit: 1 })).length > 0) found.push(platform);
  return found;
}

interface Entry {
  readonly direction: 'in' | 'out';
  readonly step: string | null;
  readonly text?: string;
  readonly press?: string;
  readonly buttons?: readonly { readonly text: string; readonly value: string }[];
  readonly media?: readonly MediaNote[];
  readonly at: number;
}

/** A medium as a line, as `scenarist chat` shows them: `[photo: receipt.jpg, image/jpeg, 212 bytes] caption`. */
function mediaLine(m: MediaNote): string {
  if (m.kind === 'location') return `[location: ${m.latitude}, ${m.longitude}${m.title ? ` (${m.title})` : ''}]`;
  if (m.kind === 'contact') return `[contact: ${[m.first_name, m.last_name].filter(Boolean).join(' ')}, ${m.phone}]`;
  const f = m.file ?? m;
  const described = [f.name ?? m.path, f.mime, f.size === undefined ? undefined : `${f.size} bytes`].filter((x) => x !== undefined);
  const what = m.url ?? (described.length > 0 ? described.join(', ') : 'a file');
  return `[${m.kind}: ${what}]${m.caption ? ` ${m.caption}` : ''}`;
}

const time = (at: number): string => (Number.isFinite(at) ? new Date(at).toISOString().slice(0, 19).replace('T', ' ') : '?');

/** `2026-11-24 05:51:29  user  ask_name  Ann`, continuation lines and buttons indented under the text. */
export function transcriptLine(e: Entry, stepWidth: number, color: boolean): string {
  const who = e.direction === 'in' ? cyan(color, 'user') : green(color, 'bot ');
  const head = `${dim(color, time(e.at))}  ${who}  ${dim(color, (e.step ?? '-').padEnd(stepWidth))}  `;
  const indent = ' '.repeat(19 + 2 + 4 + 2 + stepWidth + 2);
  let body: string;
  if (e.press !== undefined) body = `[pressed ${e.press}]${e.text !== undefined && e.text !== e.press ? ` ${e.text}` : ''}`;
  else body = e.text ?? '';
  const lines = body === '' && e.media?.length ? [] : body.split(/\r?\n/);
  for (const m of e.media ?? []) lines.push(mediaLine(m));
  if (e.direction === 'out' && e.buttons && e.buttons.length > 0) {
    lines.push(`buttons: ${e.buttons.map((b) => (b.text === b.value ? `[${b.text}]` : `[${b.text} -> ${b.value}]`)).join(' ')}`);
  }
  return `${head}${lines.join(`\n${indent}`)}\n`;
}
