import { el, timeOf } from './dom.js';

/** An entry of a dialog's pending agenda as the admin API's dialog read gives it (due and at: epoch ms). */
export interface PendingEntry {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly index?: number;
  readonly step: string | null;
  readonly due: number;
  readonly at: number;
}

/** What an entry is, in the words of the scenario format. */
export function entryLabel(e: PendingEntry): string {
  switch (e.name) {
    case 'timeout':
      return 'Timeout';
    case 'reminder':
      return `Reminder ${(e.index ?? 0) + 1}`;
    case 'wait':
      return 'End of the wait';
    case 'expire':
      return 'Idle expiry';
    default:
      return e.kind === 'call' ? 'Call' : e.name;
  }
}

/** "in 2 min", "in 3 h", "in 6 d", "now" for a due time already passed (it fires on the next sweep). */
export function dueIn(due: number, now: number): string {
  const s = Math.round((due - now) / 1000);
  if (s <= 0) return 'now';
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  if (s < 86_400) return `in ${Math.round(s / 3600)} h`;
  return `in ${Math.round(s / 86_400)} d`;
}

/** The dialog's pending agenda, earliest first: what is due when, and for which step. */
export function renderAgenda(chatId: string, agenda: readonly PendingEntry[], now = Date.now()): HTMLElement {
  const title = el('h3', { class: 'agenda-title' }, 'Pending');
  if (agenda.length === 0) return el('div', { class: 'agenda' }, title, el('p', { class: 'hint' }, 'Nothing pending.'));
  const list = el('ol', { class: 'agenda-list', 'aria-label': `Pending timers of chat ${chatId}` });
  for (const e of agenda) {
    const date = new Date(e.due);
    // A time alone for today; a day later, the date too.
    const today = date.toDateString() === new Date(now).toDateString();
    const when = el('time', { datetime: date.toISOString(), title: date.toLocaleString() }, today ? timeOf(e.due) : date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }));
    list.append(
      el(
        'li',
        { 'data-timer': e.name, 'data-due': String(e.due) },
        el('strong', {}, entryLabel(e)),
        ' · due ',
        when,
        ` (${dueIn(e.due, now)})`,
        e.step ? ` · step ${e.step}` : '',
      ),
    );
  }
  return el('div', { class: 'agenda' }, title, list);
}
