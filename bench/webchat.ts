/**
 * The web chat end to end: the real server (startServer) on a temp SQLite file, SESSIONS live event streams, and one
 * whole conversation per session, CONCURRENCY sessions at a time. A message's latency runs from sending its POST to
 * the arrival of the stream event carrying its revision: what the chat page waits for before it shows the reply.
 * Every run starts a fresh server; one warm-up run is left out of the table.
 * Run: npm run bench:webchat  (options: SESSIONS=50 CONCURRENCY=50 RUNS=7)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startServer } from '../runtime/server/index.js';

const sessions = Number(process.env['SESSIONS'] ?? 50);
const concurrency = Number(process.env['CONCURRENCY'] ?? 50);
const runs = Number(process.env['RUNS'] ?? 7);
const BOT = 'greeter';
const SCENARIO = fileURLToPath(new URL('../../examples/spec-example.json', import.meta.url));
/** A reply that does not arrive within this is a failure, not a slow sample. */
const REPLY_TIMEOUT_MS = 10_000;
const NAMES = ['Ann', 'Bob', 'Chen', 'Dara'];

type Body = { text: string } | { press: string };
/** Greeting, a name, /help (asks again), another name, a button: the dialog ends with "Goodbye, <name>!". */
const conversation = (name: string): Body[] => [{ text: '/start' }, { text: 'Ann' }, { text: '/help' }, { text: name }, { press: 'more_info' }];

interface Session {
  readonly id: string;
  /** When each revision's `messages` event arrived (performance.now()). */
  readonly arrivals: Map<number, number>;
  readonly waiters: Map<number, (at: number) => void>;
  /** The bot's replies, in order. */
  readonly replies: string[];
}

interface RunResult {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly perSecond: number;
}

const quantile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;

/** One SSE block: its event name and data (JSON, one line). */
function parseEvent(block: string): { event: string; data: string } {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  return { event, data };
}

function onEvent(s: Session, event: string, data: string, ready: () => void): void {
  if (event === 'ready') ready();
  if (event !== 'messages') return;
  const at = performance.now();
  const { rev, entries } = JSON.parse(data) as { rev: number; entries: { direction: string; text?: string }[] };
  for (const e of entries) if (e.direction === 'out' && e.text !== undefined) s.replies.push(e.text);
  s.arrivals.set(rev, at);
  s.waiters.get(rev)?.(at);
}

/** Opens a session's stream and resolves once the server has sent its `ready` event; reads on until aborted. */
async function openStream(base: string, id: string, signal: AbortSignal): Promise<Session> {
  const res = await fetch(`${base}/chat/api/bots/${BOT}/sessions/${id}/events`, { signal, headers: { accept: 'text/event-stream' } });
  if (!res.ok || !res.body) throw new Error(`the event stream of session ${id} answered ${res.status}`);
  const body = res.body;
  const s: Session = { id, arrivals: new Map(), waiters: new Map(), replies: [] };
  await new Promise<void>((ready, fail) => {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of body) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const { event, data } = parseEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            onEvent(s, event, data, ready);
          }
        }
        fail(new Error(`the event stream of session ${id} ended`)); // a no-op once it was ready
      } catch (err) {
        if (!signal.aborted) fail(err);
      }
    })();
  });
  return s;
}

function arrival(s: Session, rev: number): Promise<number> {
  const at = s.arrivals.get(rev);
  if (at !== undefined) return Promise.resolve(at);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event for revision ${rev} of session ${s.id} within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
    s.waiters.set(rev, (t) => {
      clearTimeout(timer);
      resolve(t);
    });
  });
}

/** Posts one message; returns the milliseconds until its revision arrived on the stream. */
async function post(base: string, s: Session, body: Body, n: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${base}/chat/api/bots/${BOT}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session: s.id, id: `m${n}`, ...body }),
  });
  const answer = (await res.json()) as { status?: string; rev?: number };
  if (res.status !== 200 || answer.status !== 'applied' || answer.rev === undefined) throw new Error(`POST for session ${s.id} answered ${res.status} ${JSON.stringify(answer)}`);
  return (await arrival(s, answer.rev)) - t0;
}

async function converse(base: string, s: Session, name: string, latencies: number[]): Promise<void> {
  const turns = conversation(name);
  for (const [n, body] of turns.entries()) latencies.push(await post(base, s, body, n));
  // The replies must be the scenario's, or the timings are of something else.
  const last = s.replies[s.replies.length - 1];
  if (last !== `Goodbye, ${name}!`) throw new Error(`session ${s.id} ended with ${JSON.stringify(last)}, expected "Goodbye, ${name}!"`);
}

async function run(r: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-bench-webchat-'));
  const config = join(dir, 'scenarist.config.json');
  writeFileSync(config, JSON.stringify({ bots: [{ id: BOT, name: 'Greeter', scenario: relative(dir, SCENARIO) }] }));
  const server = await startServer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: join(dir, 'webchat.db'),
      DATA_DIR: dir,
      SCENARIST_CONFIG: config,
      BOT_FILE_LOGGING: 'false',
      BOT_LOG_LEVEL: 'error',
      WEBCHAT_RATE_LIMIT: '1000000',
    },
  });
  const aborter = new AbortController();
  try {
    const ids = Array.from({ length: sessions }, (_, i) => `bench-r${r}-s${String(i).padStart(8, '0')}`);
    const open = await Promise.all(ids.map((id) => openStream(server.url, id, aborter.signal)));
    const latencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      for (let i = next++; i < open.length; i = next++) await converse(server.url, open[i]!, NAMES[i % NAMES.length]!, latencies);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, sessions) }, worker));
    const seconds = (performance.now() - t0) / 1000;
    return { p50: quantile(latencies, 0.5), p90: quantile(latencies, 0.9), p99: quantile(latencies, 0.99), perSecond: latencies.length / seconds };
  } finally {
    aborter.abort();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: RunResult[] = [];
for (let r = 0; r <= runs; r++) {
  const result = await run(r);
  if (r > 0) results.push(result); // the first run warms the JIT up
  console.error(`run ${r}${r === 0 ? ' (warm-up)' : ''}: ${JSON.stringify(result, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`);
}

const row = (label: string, xs: number[]): string =>
  `${label.padEnd(22)}${[quantile(xs, 0.5), Math.min(...xs), Math.max(...xs)].map((v) => v.toFixed(1).padStart(9)).join('')}`;
console.log(
  [
    `webchat bench: node ${process.version}, ${availableParallelism()} CPUs, ${sessions} sessions x ${conversation('').length} messages, concurrency ${Math.min(concurrency, sessions)}, ${runs} runs`,
    '',
    `${'measure'.padEnd(22)}${'median'.padStart(9)}${'min'.padStart(9)}${'max'.padStart(9)}`,
    row('latency p50 (ms)', results.map((x) => x.p50)),
    row('latency p90 (ms)', results.map((x) => x.p90)),
    row('latency p99 (ms)', results.map((x) => x.p99)),
    row('messages/s', results.map((x) => x.perSecond)),
  ].join('\n'),
);
