import { setupAttach, showExpects, type Expects } from './chat-attach.js';
import { byId, el, randomId } from './dom.js';
import { renderMedia, type FileRef, type MediaItem } from './media-view.js';

interface Button {
  readonly text: string;
  readonly value: string;
}
interface Entry {
  readonly direction: 'in' | 'out';
  readonly text?: string;
  readonly press?: string;
  readonly buttons: readonly Button[];
  readonly step: string | null;
  readonly at: number;
  readonly id?: string;
  readonly media?: readonly MediaItem[];
}
interface DialogState {
  readonly rev: number;
  readonly step: string | null;
  readonly status: 'new' | 'active' | 'ended';
  readonly expects?: Expects;
}
type Body = Record<string, unknown>;

const log = byId<HTMLOListElement>('log');
const status = byId<HTMLParagraphElement>('status');
const form = byId<HTMLFormElement>('composer');
const input = byId<HTMLInputElement>('text');
const botSelect = byId<HTMLSelectElement>('bot');
const restart = byId<HTMLButtonElement>('restart');

let bot = '';
let session = '';
let lastRev = 0;
let source: EventSource | undefined;
let state: DialogState = { rev: 0, step: null, status: 'new' };
/** Messages posted but not yet seen in the stream, by message id. */
const pending = new Map<string, HTMLLIElement>();
/** Files this page uploaded and already shows (from the browser's copy): the history line that stores them is not shown again. */
const shownUploads = new Set<string>();
/** The user's latest message whose files show by name only (sent, not yet stored). */
let awaitingFiles: HTMLElement[] | undefined;
/** The choices of the latest bot message; pressing one of older messages makes no sense. */
let choices: { group: HTMLElement; step: string | null; buttons: readonly Button[] } | undefined;

const sessionKey = (b: string): string => `scenarist.webchat.session.${b}`;

function sessionFor(b: string): string {
  let id = localStorage.getItem(sessionKey(b));
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    id = randomId();
    localStorage.setItem(sessionKey(b), id);
  }
  return id;
}

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

function scrollDown(): void {
  log.scrollTop = log.scrollHeight;
}

function note(text: string): void {
  log.append(el('li', { class: 'msg note' }, text));
  scrollDown();
}

/** This session's files, served only while its conversation shows them. */
const mediaSource = { url: (f: FileRef): string => `/chat/api/bots/${encodeURIComponent(bot)}/sessions/${session}/media/${f.id}` };

/** The media of an entry; a caption equal to the entry's text is not repeated. */
function mediaOf(entry: Entry): HTMLElement[] {
  return (entry.media ?? []).map((m) => renderMedia('caption' in m && m.caption === entry.text ? { ...m, caption: undefined } : m, mediaSource));
}

function userBubble(text: string, ...nodes: Node[]): HTMLLIElement {
  const li = el('li', { class: 'msg user' }, el('span', { class: 'visually-hidden' }, 'You: '), text, ...nodes);
  log.append(li);
  scrollDown();
  return li;
}

function botBubble(entry: Entry): void {
  const li = el('li', { class: 'msg bot' }, el('span', { class: 'visually-hidden' }, 'Bot: '), entry.text ?? '', ...mediaOf(entry));
  if (entry.buttons.length > 0) {
    const group = el('div', { class: 'choices', role: 'group', 'aria-label': 'Choices' });
    for (const b of entry.buttons) {
      const button = el('button', { type: 'button', 'data-value': b.value }, b.text);
      button.addEventListener('click', () => press(b, button));
      group.append(button);
    }
    li.append(group);
    choices?.group.querySelectorAll('button').forEach((b) => (b.disabled = true));
    choices = { group, step: entry.step, buttons: entry.buttons };
  }
  log.append(li);
  scrollDown();
}

/** The label of a pressed button, from the choices it answered. */
function labelOf(value: string): string {
  return choices?.buttons.find((b) => b.value === value)?.text ?? value;
}

function showEntry(entry: Entry): void {
  if (entry.direction === 'out') {
    botBubble(entry);
    return;
  }
  const mine = entry.id !== undefined ? pending.get(entry.id) : undefined;
  const text = entry.press !== undefined ? labelOf(entry.press) : (entry.text ?? '');
  if (mine) {
    pending.delete(entry.id!);
    mine.classList.remove('pending');
    // A sensitive answer comes back masked from the server: show it as stored.
    if (entry.text !== undefined && mine.dataset['text'] !== undefined && mine.dataset['text'] !== entry.text) mine.childNodes[1]!.textContent = entry.text;
    return;
  }
  if (entry.id === undefined && entry.media?.length && entry.media.every((m) => 'file' in m && m.file)) {
    if (entry.media.every((m) => shownUploads.has((m as { file: FileRef }).file.id))) return;
    // The turn that stored the files of the user's last message: show them in that message, in place of their names.
    if (awaitingFiles && awaitingFiles.length === entry.media.length) {
      mediaOf(entry).forEach((node, i) => awaitingFiles![i]!.replaceWith(node));
      awaitingFiles = undefined;
      return;
    }
  }
  if (entry.text?.startsWith('/')) {
    note(entry.text === '/start' ? 'Conversation started' : `Command ${entry.text}`);
    return;
  }
  const media = mediaOf(entry);
  userBubble(text, ...media);
  const notes = media.filter((_, i) => sentOnly(entry.media![i]!));
  awaitingFiles = notes.length > 0 ? notes : undefined;
}

/** A file of the user's as sent, before the turn that stores it: a name, no bytes to show yet. */
const sentOnly = (m: MediaItem): boolean => m.kind !== 'location' && m.kind !== 'contact' && !('file' in m && m.file) && !('url' in m && m.url);

function applyState(next: DialogState): void {
  const ended = next.status === 'ended' && state.status !== 'ended';
  state = next;
  showExpects(state.status === 'active' ? state.expects : undefined);
  const canPress = state.status === 'active' && choices !== undefined && choices.step === state.step;
  choices?.group.querySelectorAll('button').forEach((b) => (b.disabled = !canPress || b.getAttribute('aria-pressed') === 'true'));
  if (ended) {
    const again = el('button', { type: 'button', class: 'secondary' }, 'Start again');
    again.addEventListener('click', () => void post({ text: '/start' }));
    log.append(el('li', { class: 'msg note' }, 'The conversation has ended. ', again));
    scrollDown();
  }
}

async function post(body: Body, bubble?: HTMLLIElement): Promise<void> {
  const id = randomId(12);
  if (bubble) {
    bubble.classList.add('pending');
    bubble.classList.remove('failed');
    pending.set(id, bubble);
  }
  let response: Response;
  try {
    response = await fetch(`/chat/api/bots/${encodeURIComponent(bot)}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ session, id, ...body }),
    });
  } catch {
    failed(id, bubble, body, 'The message could not be sent: no connection.');
    return;
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    failed(id, bubble, body, problem?.error?.message ?? `The message could not be sent (HTTP ${response.status}).`);
  }
}

function failed(id: string, bubble: HTMLLIElement | undefined, body: Body, message: string): void {
  pending.delete(id);
  setStatus(message, true);
  if (!bubble) return;
  bubble.classList.remove('pending');
  bubble.classList.add('failed');
  const retry = el('button', { type: 'button', class: 'retry' }, 'Retry');
  retry.addEventListener('click', () => {
    retry.remove();
    setStatus('');
    void post(body, bubble);
  });
  bubble.append(retry);
}

function send(text: string): void {
  const bubble = userBubble(text);
  bubble.dataset['text'] = text;
  void post({ text }, bubble);
}

function press(button: Button, node: HTMLButtonElement): void {
  node.setAttribute('aria-pressed', 'true');
  node.parentElement?.querySelectorAll('button').forEach((b) => (b.disabled = true));
  const bubble = userBubble(button.text);
  bubble.dataset['text'] = button.text;
  void post({ press: button.value }, bubble);
  input.focus();
}

function connect(): void {
  source?.close();
  log.replaceChildren();
  pending.clear();
  shownUploads.clear();
  awaitingFiles = undefined;
  choices = undefined;
  lastRev = 0;
  state = { rev: 0, step: null, status: 'new' };
  showExpects(undefined);
  session = sessionFor(bot);
  const es = new EventSource(`/chat/api/bots/${encodeURIComponent(bot)}/sessions/${session}/events`);
  source = es;
  es.addEventListener('messages', (e) => {
    const batch = JSON.parse((e as MessageEvent<string>).data) as { rev: number; entries: Entry[] };
    if (batch.rev <= lastRev) return;
    lastRev = batch.rev;
    batch.entries.forEach(showEntry);
  });
  es.addEventListener('state', (e) => applyState(JSON.parse((e as MessageEvent<string>).data) as DialogState));
  es.addEventListener('ready', () => {
    setStatus('');
    // A new visitor: start the conversation as a messenger's Start button would.
    if (state.status === 'new' && lastRev === 0) void post({ text: '/start' });
  });
  es.addEventListener('problem', (e) => setStatus((JSON.parse((e as MessageEvent<string>).data) as { message: string }).message, true));
  // Another tab or a reload of this session took the stream over: reconnecting would take it back, endlessly.
  es.addEventListener('replaced', () => {
    es.close();
    setStatus('This conversation is open in another tab. Reload the page to continue here.', true);
  });
  es.addEventListener('open', () => setStatus(''));
  es.addEventListener('error', () => setStatus(es.readyState === EventSource.CLOSED ? 'Disconnected. Reload the page to reconnect.' : 'Reconnecting…', true));
}

async function loadBots(): Promise<void> {
  const response = await fetch('/chat/api/bots');
  const { bots } = (await response.json()) as { bots: { id: string; name: string }[] };
  botSelect.replaceChildren(...bots.map((b) => el('option', { value: b.id }, b.name || b.id)));
  if (bots.length === 0) {
    setStatus('No bots are configured on this server.', true);
    return;
  }
  const wanted = new URLSearchParams(location.search).get('bot');
  bot = bots.find((b) => b.id === wanted)?.id ?? bots[0]!.id;
  botSelect.value = bot;
  botSelect.disabled = bots.length < 2;
  connect();
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text || !bot) return;
  input.value = '';
  setStatus('');
  send(text);
});

botSelect.addEventListener('change', () => {
  bot = botSelect.value;
  const url = new URL(location.href);
  url.searchParams.set('bot', bot);
  history.replaceState(null, '', url);
  connect();
  input.focus();
});

restart.addEventListener('click', () => {
  void post({ text: '/start' });
  input.focus();
});

setupAttach({
  uploadUrl: () => `/chat/api/bots/${encodeURIComponent(bot)}/sessions/${session}/uploads`,
  bubble: userBubble,
  post: (body, bubble) => {
    for (const f of (body['files'] as { id: string }[] | undefined) ?? []) shownUploads.add(f.id);
    void post(body, bubble);
  },
  setStatus,
  focusMessage: () => input.focus(),
});

loadBots().catch(() => setStatus('The server could not be reached. Reload the page to try again.', true));
