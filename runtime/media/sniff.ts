import { fileTypeFromBuffer } from 'file-type';

/** Bytes read from the start of a file to tell its type. */
export const SNIFF_BYTES = 4100;

const EXTENSIONS: Readonly<Record<string, string>> = { 'text/plain': 'txt', 'text/csv': 'csv', 'application/json': 'json', 'application/octet-stream': 'bin' };

/** Whether the bytes read as UTF-8 text (no NUL, no invalid sequence except one cut at the end). */
function looksLikeText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
    return true;
  } catch {
    return false;
  }
}

/**
 * The type of a file from its first bytes (`file-type`); the declared type is believed only for text that has no
 * signature (a `text/*` or JSON declaration over bytes that read as text). Anything else is octet-stream.
 */
export async function sniffMime(head: Uint8Array, declared?: string): Promise<{ mime: string; ext: string }> {
  const found = await fileTypeFromBuffer(head);
  if (found) return { mime: found.mime, ext: found.ext };
  if (looksLikeText(head)) {
    const d = declared?.toLowerCase().split(';', 1)[0]?.trim();
    const mime = d !== undefined && (d.startsWith('text/') || d === 'application/json') ? d : 'text/plain';
    return { mime, ext: EXTENSIONS[mime] ?? 'txt' };
  }
  return { mime: 'application/octet-stream', ext: 'bin' };
}
