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

/** A medium for the admin API: files by reference; with PII masking on, a contact's phone and a location's place are masked. */
function maskedMedia(m: MediaNote, pii: boolean) {
  if (!pii) return m;
  if (m.kind === 'contact') return { ...m, phone: MASK, ...(m.user_id === undefined ? {} : { user_id: MASK }) };
  if (m.kind === 'location') return { kind: m.kind, masked: true };
  return m;
}

/** A history line for the admin API: sensitive answers are masked in the store already; PII when masking is on. */
export function maskedEntry(h: HistoryEntry, pii: boolean) {
  const text = h.text === undefined ? undefined : redactText(h.text, { pii });
  const media = h.media?.length ? { media: h.media.map((m) => maskedMedia(m, pii)) } : {};
  return { rev: h.rev, direction: h.direction, step: h.step, text, press: h.press, buttons: h.buttons ?? [], updateId: h.updateId, at: h.at, ...media };
}
