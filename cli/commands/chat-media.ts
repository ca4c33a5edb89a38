import { resolve } from 'node:path';
import type { FileKind, OutMedia, UserMessage } from '../../runtime/engine/index.js';
import type { LocalMedia } from '../../runtime/testing/index.js';

/** The chat's media commands: a file by its path, a location, a contact. */
const FILE_COMMANDS: Readonly<Record<string, FileKind>> = { '/photo': 'photo', '/document': 'document', '/video': 'video', '/audio': 'audio', '/voice': 'voice' };
export const MEDIA_COMMANDS = [...Object.keys(FILE_COMMANDS), '/location', '/contact'];

/**
 * A typed media command as the message it sends, or a usage text when it is malformed; undefined for other lines.
 * `/photo PATH` (likewise /document, /video, /audio, /voice; PATH relative to the working directory, the rest of
 * the line), `/location LAT LON`, `/contact PHONE FIRST [LAST]`.
 */
export async function mediaMessage(line: string, cwd: string, media: LocalMedia): Promise<UserMessage | string | undefined> {
  const [command = '', ...words] = line.trim().split(/\s+/);
  const rest = line.trim().slice(command.length).trim();
  const kind = FILE_COMMANDS[command];
  if (kind) {
    if (rest === '') return `${command} needs a file path`;
    try {
      return { files: await media.announce([{ kind, path: resolve(cwd, rest) }]) };
    } catch (err) {
      return `cannot read ${rest}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
  if (command === '/location') {
    const [lat, lon] = words.map(Number);
    if (words.length !== 2 || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat!) > 90 || Math.abs(lon!) > 180) return '/location needs LAT LON, such as /location 52.52 13.405';
    return { location: { kind: 'location', latitude: lat!, longitude: lon! } };
  }
  if (command === '/contact') {
    const [phone, first, ...last] = words;
    if (phone === undefined || first === undefined) return '/contact needs PHONE FIRST [LAST], such as /contact +4930123 Ann Lee';
    return { contact: { kind: 'contact', phone, first_name: first, ...(last.length > 0 ? { last_name: last.join(' ') } : {}) } };
  }
  return undefined;
}

/** A medium the bot sends, as a line: `[image: receipt.jpg] caption`, `[location: 52.52, 13.405 (Shop)]`. */
export function mediaLine(m: OutMedia): string {
  if (!('source' in m)) {
    if (m.kind === 'location') return `[location: ${m.latitude}, ${m.longitude}${m.title ? ` (${m.title})` : ''}]`;
    return `[contact: ${[m.first_name, m.last_name].filter(Boolean).join(' ')}, ${m.phone}]`;
  }
  const s = m.source;
  const name = 'url' in s ? s.url : 'path' in s ? s.path : `${s.file.name}, ${s.file.mime}, ${s.file.size} bytes`;
  return `[${m.type}: ${name}]${m.caption ? ` ${m.caption}` : ''}`;
}
