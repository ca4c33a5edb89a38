import { adminToken, api, onUnauthorized, readToken, setToken, takeLinkToken, UnauthorizedError } from './admin-api.js';
import { byId, el, timeOf } from './dom.js';
import { openEventStream } from './event-stream.js';
import { renderFunnel, renderRate, type Dashboard } from './dashboard-views.js';
import { renderRecent } from './dashboard-recent.js';

const login = byId<HTMLFormElement>('login');
const board = byId<HTMLDivElement>('board');
const botSelect = byId<HTMLSelectElement>('bot');
const liveWindow = byId<HTMLSelectElement>('live-window');
const funnelWindow = byId<HTMLSelectElement>('funnel-window');
const signOut = byId<HTMLButtonElement>('sign-out');
const updated = byId<HTMLParagraphElement>('updated');
const graph = byId<HTMLDivElement>('graph');

let bot = '';
let graphFor = '';
let stream: { stop(): void } | undefined;
let refreshing = false;
let again = false;
let ticker: ReturnType<typeof setInterval> | undefined;

let followUpTimer: ReturnType<typeof setTimeout> | undefined;

function followUp(ms: number): void {
  if (followUpTimer !== undefined) return;
  followUpTimer = setTimeout(() => {
    followUpTimer = undefined;
    void refresh();
  }, Math.max(100, ms + 100));
}

function showLogin(message = ''): void {
  stream?.stop();
  stream = undefined;
  // Left running, the timer would refresh without a token and show a refusal nobody caused.
  clearInterval(ticker);
  ticker = undefined;
  clearTimeout(followUpTimer);
  followUpTimer = undefined;
  setToken('');
  board.hidden = true;
  signOut.hidden = true;
  login.hidden = false;
  byId('login-error').textContent = message;
  byId<HTMLInputElement>('token').focus();
}

async function loadGraph(): Promise<void> {
  if (graphFor === bot) return;
  const svg = await api<string>(`/api/bots/${encodeURIComponent(bot)}/graph.svg`, 'image/svg+xml');
  // Our own server rendered it with every text escaped; parse as XML so nothing in it runs.
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  graph.replaceChildren(document.importNode(doc.documentElement, true));
  graphFor = bot;
}

function showLiveCounts(byStep: Record<string, number>): void {
  for (const badge of graph.querySelectorAll<SVGGElement>('[data-count-for]')) {
    const step = badge.getAttribute('data-count-for') ?? '';
    const n = byStep[step] ?? 0;
    const text = badge.querySelector('text');
    if (text) text.textContent = n > 0 ? String(n) : '';
    badge.classList.toggle('empty', n === 0);
    const node = badge.closest('[data-step]');
    if (node) {
      const base = node.getAttribute('data-label') ?? node.getAttribute('aria-label') ?? step;
      node.setAttribute('data-label', base);
      node.setAttribute('aria-label', `${base}. ${n} live dialog${n === 1 ? '' : 's'}`);
    }
  }
}

async function refresh(): Promise<void> {
  if (!bot) return;
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    do {
      again = false;
      await loadGraph();
      const data = await api<Dashboard>(`/api/bots/${encodeURIComponent(bot)}/dashboard?live=${liveWindow.value}&window=${funnelWindow.value}`);
      byId('scenario-name').textContent = data.bot.scenario ? `${data.bot.scenario.name ?? ''} · version ${data.bot.scenario.version}` : '';
      byId('live-total').textContent = `${data.live.total} live dialog${data.live.total === 1 ? '' : 's'} in all.`;
      showLiveCounts(data.live.byStep);
      renderFunnel(data);
      renderRate(data);
      renderRecent(data, bot);
      updated.textContent = `Updated ${timeOf(data.at)}`;
      // The funnel is cached on the server for a few seconds: ask again once it is due, if it may have changed.
      if (data.funnel.at < data.at) followUp(data.funnel.refreshAt - data.at);
    } while (again);
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) updated.textContent = `Could not refresh: ${(err as Error).message}`;
  } finally {
    refreshing = false;
  }
}

async function start(): Promise<void> {
  const { bots } = await api<{ bots: { id: string; name: string }[] }>('/api/bots');
  login.hidden = true;
  board.hidden = false;
  signOut.hidden = false;
  botSelect.replaceChildren(...bots.map((b) => el('option', { value: b.id }, b.name || b.id)));
  botSelect.disabled = bots.length < 2;
  const wanted = new URLSearchParams(location.search).get('bot');
  bot = bots.find((b) => b.id === wanted)?.id ?? bots[0]?.id ?? '';
  botSelect.value = bot;
  await refresh();
  stream?.stop();
  stream = openEventStream('/api/events', adminToken(), {
    onEvent: (type, data) => {
      if (type === 'tick') void refresh();
      if (type === 'changed' && (JSON.parse(data) as { bots: string[] }).bots.includes(bot)) void refresh();
    },
    onUnauthorized: () => showLogin('The admin token was refused. Enter the current one.'),
    onState: (connected) => {
      if (!connected) updated.textContent = 'Live updates interrupted; reconnecting…';
    },
  });
  // Time windows move even when nothing happens.
  clearInterval(ticker);
  ticker = setInterval(() => void refresh(), 30_000);
}

login.addEventListener('submit', (e) => {
  e.preventDefault();
  setToken(byId<HTMLInputElement>('token').value.trim());
  start().catch(() => undefined);
});
signOut.addEventListener('click', () => showLogin());
botSelect.addEventListener('change', () => {
  bot = botSelect.value;
  const url = new URL(location.href);
  url.searchParams.set('bot', bot);
  history.replaceState(null, '', url);
  void refresh();
});
liveWindow.addEventListener('change', () => void refresh());
funnelWindow.addEventListener('change', () => void refresh());

// A link pasted into a tab already on this page changes only the hash: the page does not load again.
window.addEventListener('hashchange', () => {
  if (takeLinkToken() && readToken()) start().catch(() => undefined);
});

onUnauthorized(() => showLogin('The admin token was refused. Enter the current one.'));
if (readToken()) start().catch(() => undefined);
else showLogin();
