import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Dialog, Effect, OutMedia, UserMessage } from '../engine/index.js';
import { FILE_SEND_KINDS, type FileSend, type MediaCheck, type MediaSend, type Turn } from './format.js';
import type { LocalFile, LocalMedia } from './media.js';
import type { VirtualAgenda } from './virtual-time.js';

type Said = Extract<Effect, { type: 'say' }>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isMediaSend = (turn: Turn): turn is MediaSend => 'files' in turn || 'location' in turn || 'contact' in turn || FILE_SEND_KINDS.some((k) => k in turn);

/** A media turn as a divergence names it: `photo "fixtures/receipt.jpg"`. */
export function describeSend(turn: MediaSend): string {
  if ('location' in turn) return `location ${JSON.stringify(turn.location)}`;
  if ('contact' in turn) return `contact ${JSON.stringify(turn.contact)}`;
  const files = 'files' in turn ? turn.files : [turn];
  return files.map((f) => FILE_SEND_KINDS.filter((k) => k in f).map((k) => `${k} ${JSON.stringify(f[k])}`)[0]).join(' + ');
}

function localFile(f: FileSend, dir: string): LocalFile {
  const kind = FILE_SEND_KINDS.find((k) => f[k] !== undefined)!;
  return { kind, path: resolve(dir, f[kind]!), ...(f.name !== undefined ? { name: f.name } : {}), ...(f.mime !== undefined ? { mime: f.mime } : {}), ...(f.download === 'fails' ? { fails: true } : {}) };
}

async function messageOf(turn: MediaSend, media: LocalMedia, dir: string): Promise<UserMessage> {
  if ('location' in turn) return { location: { kind: 'location', ...turn.location } };
  if ('contact' in turn) return { contact: { kind: 'contact', ...turn.contact } };
  const files = await media.announce(('files' in turn ? turn.files : [turn]).map((f) => localFile(f, dir)));
  return turn.caption === undefined ? { files } : { files, text: turn.caption };
}

/**
 * Sends a media turn and fetches what the bot asked for at once (as the server's agenda would right after the
 * write): the bot messages of the turn and of each fetch's outcome, in order.
 */
export async function sendMedia(dialog: Dialog, time: VirtualAgenda, media: LocalMedia, turn: MediaSend, dir: string): Promise<Said[]> {
  const effects: Effect[] = [...time.send(dialog, await messageOf(turn, media, dir)).effects];
  for (let f = time.pendingFetch; f !== undefined; f = time.pendingFetch) effects.push(...time.stored(dialog, await media.fetch(f.files, f.limits))!.effects);
  return effects.filter((e): e is Said => e.type === 'say');
}

/** The name a test gives a file the bot sends: its URL, its shipped path, or the stored file's name. */
export function sourceName(m: Extract<OutMedia, { source: unknown }>): string {
  const s = m.source;
  return 'url' in s ? s.url : 'path' in s ? s.path : s.file.name;
}

/** The bot's media as a test would write them. */
export function showMedia(media: readonly OutMedia[]): MediaCheck[] {
  return media.map((m): MediaCheck => {
    if (!('source' in m)) {
      const { kind, ...fields } = m;
      return kind === 'location' ? { location: fields } : { contact: fields };
    }
    return m.caption === undefined ? { [m.type]: sourceName(m) } : { [m.type]: sourceName(m), caption: m.caption };
  });
}

function mediumMatches(check: MediaCheck, m: OutMedia): boolean {
  if ('location' in check || 'contact' in check) {
    const kind = 'location' in check ? 'location' : 'contact';
    const fields = (check as Record<string, Readonly<Record<string, unknown>>>)[kind]!;
    return !('source' in m) && m.kind === kind && Object.entries(fields).every(([k, v]) => isDeepStrictEqual((m as unknown as Record<string, unknown>)[k], v));
  }
  if (!('source' in m)) return false;
  const named = (check as Record<string, unknown>)[m.type];
  return typeof named === 'string' && named === sourceName(m) && (check.caption === undefined || check.caption === m.caption);
}

/** The bot's media, in order, against a test's list. */
export const mediaMatch = (checks: readonly MediaCheck[], media: readonly OutMedia[]): boolean =>
  checks.length === media.length && checks.every((c, i) => mediumMatches(c, media[i]!));

/** A variable against a test's value: objects by the fields given (`{"name": "receipt.jpg"}`), lists item by item, the rest exactly. */
export function varMatches(actual: unknown, expected: unknown): boolean {
  if (isRecord(expected) && isRecord(actual)) return Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && varMatches(actual[k], v));
  if (Array.isArray(expected) && Array.isArray(actual)) return expected.length === actual.length && expected.every((v, i) => varMatches(actual[i], v));
  return isDeepStrictEqual(actual, expected);
}
