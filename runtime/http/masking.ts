import { MASK, redactText } from '../log/index.js';
import type { HistoryEntry, MediaNote } from '../store/index.js';

/** Variables as an administrator may see them: sensitive answers masked, personal data too when masking is on. */
export function maskedVars(vars: Readonly<Record<string, unknown>>, sensitive: ReadonlySet<string>, pii: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(vars)) {
    out[name] = sensitive.has(name) ? MASK : typeof value === 'string' ? redactText(value, { pii }) : value;
  }
  return out;
}

/** A history line for the admin API: sensitive answers are masked in the store already; PII when masking is on. */
export function maskedEntry(h: HistoryEntry, pii: boolean) {
  const text = h.text === undefined ? undefined : redactText(h.text, { pii });
  const media = h.media?.map((m) => maskedNote(m, pii));
  return { rev: h.rev, direction: h.direction, step: h.step, text, press: h.press, buttons: h.buttons ?? [], media, updateId: h.updateId, at: h.at };
}

/** A medium of a history line: files by reference (served by GET /api/media/:id); captions and contacts' phones like texts. */
function maskedNote(m: MediaNote, pii: boolean): MediaNote {
  if (m.kind === 'contact') return { ...m, phone: redactText(m.phone, { pii }) };
  if ('caption' in m && m.caption !== undefined) return { ...m, caption: redactText(m.caption, { pii }) };
  return m;
}
