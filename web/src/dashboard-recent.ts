import { api, mediaUrl } from './admin-api.js';
import { renderAgenda, type PendingEntry } from './dashboard-agenda.js';
import { byId, el, timeOf } from './dom.js';
import type { Dashboard } from './dashboard-views.js';
import { renderMedia, type MediaItem } from './media-view.js';

/** Stored files come through the admin API with the token. */
const adminMedia = { load: (f: { id: string }) => mediaUrl(f.id) };

interface TranscriptEntry {
  readonly direction: 'in' | 'out';
  readonly text?: string;
  readonly press?: string;
  readonly buttons?: readonly { readonly text: string; readonly value: string }[];
  readonly step: string | null;
  readonly at: number;
  readonly media?: readonly MediaItem[];
}

/** Transcripts the visitor opened stay open across refreshes. */
const open = new Set<string>();
/** The last transcript shown per dialog: a refresh shows it until the new one loads, so the page does not jump. */
const shown = new Map<string, HTMLElement>();

const idOf = (d: Dashboard['recent'][number]): string => `${d.platform}:${d.chatId}`;

/** A long chat id (a web chat session) keeps its start and its end, which tell sessions apart; the title has it whole. */
export const shortChatId = (id: string): string => (id.length <= 20 ? id : `${id.slice(0, 10)}…${id.slice(-8)}`);

async function loadTranscript(bot: string, d: Dashboard['recent'][number], into: HTMLElement): Promise<void> {
  const path = `/api/bots/${encodeURIComponent(bot)}/dialogs/${encodeURIComponent(d.platform)}/${encodeURIComponent(d.chatId)}`;
  const [{ entries }, { agenda }] = await Promise.all([
    api<{ entries: TranscriptEntry[] }>(`${path}/history?limit=200`),
    api<{ agenda?: PendingEntry[] }>(path),
  ]);
  const list = el('ol', { class: 'transcript', 'aria-label': `Transcript of chat ${d.chatId}` });
  let buttons: NonNullable<TranscriptEntry['buttons']> = [];
  for (const e of entries) {
    const who = e.direction === 'in' ? 'User' : 'Bot';
    if (e.direction === 'out' && e.buttons?.length) buttons = e.buttons;
    // A press is stored as the button's value; show the label the user saw.
    const label = e.press !== undefined ? (buttons.find((b) => b.value === e.press)?.text ?? e.press) : '';
    const text = e.text ?? (e.press !== undefined ? `[pressed ${label}]` : '');
    const media = (e.media ?? []).map((m) => renderMedia(m, adminMedia));
    list.append(el('li', { class: e.direction }, el('span', { class: 'meta' }, `${who} · ${timeOf(e.at)}${e.step ? ` · ${e.step}` : ''}`), text, ...media));
  }
  if (entries.length === 0) list.append(el('li', {}, 'No messages.'));
  const detail = el('div', { class: 'dialog-detail' }, list, renderAgenda(d.chatId, agenda ?? []));
  shown.set(idOf(d), detail);
  into.replaceChildren(detail);
}

/** The most recent dialogs, each with a button that shows its transcript (sensitive answers come masked). */
export function renderRecent(data: Dashboard, bot: string): void {
  const rows: HTMLTableRowElement[] = [];
  for (const d of data.recent) {
    const id = idOf(d);
    const panelId = `transcript-${rows.length}`;
    const toggle = el('button', { type: 'button', class: 'link', 'data-dialog': id, 'aria-expanded': String(open.has(id)), 'aria-controls': panelId }, open.has(id) ? 'Hide transcript' : 'Show transcript');
    const cell = el('td', { colspan: '6', id: panelId });
    const detail = el('tr', { class: 'transcript-row' }, cell);
    detail.hidden = !open.has(id);
    toggle.addEventListener('click', () => {
      const show = !open.has(id);
      if (show) open.add(id);
      else open.delete(id);
      toggle.setAttribute('aria-expanded', String(show));
      toggle.textContent = show ? 'Hide transcript' : 'Show transcript';
      detail.hidden = !show;
      if (show) void loadTranscript(bot, d, cell);
    });
    if (open.has(id)) {
      const last = shown.get(id);
      if (last) cell.append(last);
      void loadTranscript(bot, d, cell);
    }
    rows.push(
      el(
        'tr',
        { 'data-chat': d.chatId },
        el('td', { title: d.chatId }, shortChatId(d.chatId)),
        el('td', {}, d.platform),
        el('td', {}, d.step ?? '—'),
        el('td', {}, d.status),
        el('td', {}, timeOf(d.updatedAt)),
        el('td', {}, toggle),
      ),
      detail,
    );
  }
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: '6' }, 'No dialogs yet. Open the web chat and talk to the bot.')));
  const body = byId<HTMLTableElement>('recent').tBodies[0]!;
  // The rows are rebuilt on every refresh: give the focus back to the same dialog's button, not to the page.
  const focused = body.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset['dialog'] : undefined;
  body.replaceChildren(...rows);
  if (focused !== undefined) body.querySelector<HTMLElement>(`button[data-dialog="${CSS.escape(focused)}"]`)?.focus();
}
