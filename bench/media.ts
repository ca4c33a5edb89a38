/**
 * Receiving media. (a) A 5 MB photo from its update to the committed transition, and on to the stored file: the
 * dialog manager on a temp SQLite file and the disk media store, the photo downloaded through a test adapter from a
 * local HTTP server standing in for the platform (its `download` is the pluggable source). Baseline in the same run:
 * the raw copy of the same bytes from the same server to a file. (b) Peak RSS while 50 uploads of 5 MB stream into
 * the disk store at once, against the 250 MB in flight (a store that buffered whole files would hold them all).
 * The server runs in a child process, so its buffers are not in the measured RSS.
 * SOURCE=telegram measures (a) through the Telegram adapter against the fake Bot API in a child process instead
 * (getFile, then the file download; replies really sent), with the raw getFile + copy as its baseline; SOURCE=all
 * runs both sources one after the other in the same invocation; SOURCE=http (default) the local HTTP source alone.
 * Run: flock /tmp/bench.lock npm run bench:media  (options: RUNS=15 UPLOADS=50 MB=5 MEMORY_RUNS=3 SOURCE=http|telegram|all MEMORY=on|off)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Agent, request, setGlobalDispatcher } from 'undici';
import { compileScenario, emitMachineConfig } from '../compiler/index.js';
import { MediaDownloadError, type MediaDownload, type ParsedUpdate, type PlatformAdapter } from '../runtime/adapters/types.js';
import { DialogManager, type DialogEvent } from '../runtime/dialogs/index.js';
import type { IncomingFile } from '../runtime/engine/index.js';
import { silentLogger } from '../runtime/log/index.js';
import { DiskMediaStore } from '../runtime/media/index.js';
import { TelegramAdapter } from '../runtime/adapters/telegram/index.js';
import { FakeBotApi, fakeUpdates, type FakeFileInfo } from '../runtime/testing/fake-bot-api.js';
import { dueEntries } from '../runtime/agenda/index.js';
import { openSqliteStore, type AgendaEntry, type DialogKey, type DialogWrite, type Store } from '../runtime/store/index.js';

const runs = Number(process.env['RUNS'] ?? 15);
const uploads = Number(process.env['UPLOADS'] ?? 50);
const memoryRuns = Number(process.env['MEMORY_RUNS'] ?? 3);
const fileBytes = Number(process.env['MB'] ?? 5) * 1024 * 1024;
const sources = ((s) => (s === 'all' ? ['http', 'telegram'] : [s]))(process.env['SOURCE'] ?? 'http') as ('http' | 'telegram')[];
const TOKEN = '900900:benchMediaToken_abcdefghijklmnop';
const JPEG_HEAD = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex');

/** The stand-in platform: GET /<n> answers fileBytes of a JPEG whose bytes differ by n, in 64 KB chunks (at most `rate` bytes/s when set). */
function serve(rate: number): void {
  const base = Buffer.alloc(fileBytes, 0x5a);
  JPEG_HEAD.copy(base);
  const server = createServer((req, res) => {
    const n = Number((req.url ?? '/0').slice(1)) || 0;
    const body = Buffer.from(base);
    body.writeUInt32BE(n, JPEG_HEAD.length);
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length });
    let at = 0;
    const chunk = 64 * 1024;
    const pause = rate > 0 ? (chunk / rate) * 1000 : 0;
    const next = (): void => {
      while (at < body.length) {
        const ok = res.write(body.subarray(at, (at += chunk)));
        if (pause > 0) return void setTimeout(next, pause);
        if (!ok) return void res.once('drain', next);
      }
      res.end();
    };
    next();
  });
  // Longer than any pause between runs: a kept-alive connection is never closed under a request.
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
}

async function startSource(rate: number): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['serve', String(rate)], { env: { ...process.env, MB: String(fileBytes / 1024 / 1024) } });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  return { url: `http://127.0.0.1:${port}`, child };
}

/** A platform whose updates carry one photo (ref: the path on the source) and whose download GETs it. */
class PhotoAdapter implements PlatformAdapter {
  readonly platform = 'bench';
  constructor(private readonly source: string) {}
  parseUpdate(update: unknown): ParsedUpdate {
    const u = update as { id: number; chat: string; photo?: string; text?: string };
    const files: IncomingFile[] | undefined = u.photo ? [{ kind: 'photo', ref: u.photo, mime: 'image/jpeg', size: fileBytes }] : undefined;
    return { kind: 'message', updateId: String(u.id), chatId: u.chat, message: { ...(u.text ? { text: u.text } : {}), ...(files ? { files } : {}) } };
  }
  async send(): Promise<void> {}
  async download(_botId: string, file: IncomingFile, signal: AbortSignal): Promise<MediaDownload> {
    const res = await request(`${this.source}/${file.ref}`, { signal });
    if (res.statusCode !== 200) {
      res.body.destroy();
      throw new MediaDownloadError(`the source answered ${res.statusCode}`, res.statusCode >= 500 ? 'retry' : 'permanent');
    }
    return { kind: 'stream', body: res.body };
  }
}

/**
 * Until the engine emits `fetch` for a media input, the write of a turn whose update carried a photo gets the fetch
 * entry the agenda plan would put in it (same write, due now); with an engine that emits it, this changes nothing.
 */
function planFetches(store: Store, engineFetches: () => boolean): Store {
  const writeDialog = store.writeDialog.bind(store);
  return Object.assign(Object.create(store) as Store, {
    writeDialog: (w: DialogWrite) => {
      const photo = w.history.find((h) => h.direction === 'in' && h.updateId?.startsWith('photo-'));
      if (!photo || engineFetches() || w.state.agenda?.some((e) => e.kind === 'fetch')) return writeDialog(w);
      const entry: AgendaEntry = { id: `${w.state.rev}.9`, kind: 'fetch', name: 'fetch', step: w.state.step, due: w.state.updatedAt, at: w.state.updatedAt, fetch: { files: [{ kind: 'photo', ref: photo.updateId!.slice(6), mime: 'image/jpeg' }], limits: { maxBytes: 20 * 1024 * 1024, mime: ['image/*'] } }, attempts: 0 };
      return writeDialog({ ...w, state: { ...w.state, agenda: [...(w.state.agenda ?? []), entry] } });
    },
  });
}

/** What the agenda runner does for a dialog it learned is due: claim its agenda lease, fire the due entries, release. */
async function fireAsRunner(store: Store, manager: DialogManager, key: DialogKey): Promise<void> {
  const lease = await store.claimAgenda(key, 'bench', Date.now(), 30_000);
  if (!lease) return;
  for (const entry of dueEntries(lease.state.agenda, Date.now())) await manager.fireEntry(key, entry);
  await store.releaseAgenda(key, lease.token);
}

/** The fake Bot API in a child process, holding `count` photos of fileBytes (bytes differing by n) for TOKEN's bot. */
async function serveFakeApi(count: number): Promise<void> {
  const api = await FakeBotApi.start({ record: false });
  const files: FakeFileInfo[] = [];
  for (let n = 0; n < count; n++) {
    const body = Buffer.alloc(fileBytes, 0x5a);
    JPEG_HEAD.copy(body);
    body.writeUInt32BE(n, JPEG_HEAD.length);
    files.push(api.addFile(TOKEN, body));
  }
  process.send!({ url: api.url, files });
}

async function startFakeApi(count: number): Promise<{ url: string; files: FakeFileInfo[]; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['fakeapi', String(count)], { env: { ...process.env, MB: String(fileBytes / 1024 / 1024) } });
  const { url, files } = await new Promise<{ url: string; files: FakeFileInfo[] }>((resolve) => child.once('message', resolve));
  return { url, files, child };
}

/** Where (a) gets its photo: the platform the updates come from, the updates, and the raw copy it is compared with. */
interface PhotoSource {
  readonly label: string;
  readonly platform: string;
  readonly adapter: PlatformAdapter;
  /** Plants the fetch entry when the engine emits none (the local HTTP source only). */
  readonly plants: boolean;
  start(chat: number): unknown;
  photo(run: number, chat: number): unknown;
  rawCopy(run: number, to: string): Promise<void>;
  close(): Promise<void>;
}

async function httpSource(): Promise<PhotoSource> {
  const { url, child } = await startSource(0);
  return {
    label: 'a local HTTP server through a test adapter',
    platform: 'bench',
    adapter: new PhotoAdapter(url),
    plants: true,
    start: (chat) => ({ id: 1, chat: `c${chat}`, text: '/start' }),
    photo: (run, chat) => ({ id: `photo-${run}`, chat: `c${chat}`, photo: String(run) }),
    rawCopy: async (run, to) => {
      // Another copy, so no store dedupes.
      const res = await request(`${url}/${1_000_000 + run}`);
      await pipeline(res.body, createWriteStream(to));
    },
    close: async () => void child.kill(),
  };
}

async function telegramSource(): Promise<PhotoSource> {
  const { url, files, child } = await startFakeApi(runs + 2);
  const adapter = new TelegramAdapter({ apiRoot: url });
  adapter.addBot('bot', TOKEN);
  let update = 1;
  return {
    label: "the fake Bot API through the Telegram adapter (getFile, then the file's download; replies sent)",
    platform: 'telegram',
    adapter,
    plants: false,
    start: (chat) => ({ update_id: update++, message: { message_id: 1, date: 1_700_000_000, chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'B' }, text: '/start' } }),
    photo: (run, chat) => ({ update_id: update++, ...fakeUpdates.photo(chat, files[run]!) }),
    rawCopy: async (run, to) => {
      // What the adapter does on the wire, with no store: getFile, then the bytes straight to a file.
      const info = await request(`${url}/bot${TOKEN}/getFile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_id: files[run]!.file_id }) });
      const path = ((await info.body.json()) as { result: { file_path: string } }).result.file_path;
      const res = await request(`${url}/file/bot${TOKEN}/${path}`);
      await pipeline(res.body, createWriteStream(to));
    },
    close: async () => {
      await adapter.close();
      child.kill();
    },
  };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function latency(kind: 'http' | 'telegram'): Promise<void> {
  const source = kind === 'telegram' ? await telegramSource() : await httpSource();
  const dir = mkdtempSync(join(tmpdir(), 'bench-media-'));
  try {
    const withMedia = compileScenario(JSON.stringify(MEDIA_SCENARIO), { file: 'bench.json' });
    const r = withMedia.ir && !withMedia.diagnostics.some((d) => d.severity === 'error') ? withMedia : compileScenario(JSON.stringify(TEXT_SCENARIO), { file: 'bench.json' });
    if (!r.ir) throw new Error('the bench scenario does not compile');
    const config = emitMachineConfig(r.ir);
    let engineFetches = false;
    const sqlite = openSqliteStore({ file: join(dir, 'bench.db') });
    const store = source.plants ? planFetches(sqlite, () => engineFetches) : sqlite;
    const media = new DiskMediaStore(join(dir, 'media'));
    const manager = new DialogManager({ store, logger: silentLogger(), media, agenda: { sweepMs: 60_000 } });
    manager.registerPlatformAdapter(source.platform, source.adapter);
    manager.registerBot('bot', config);
    manager.start();
    const stored = new Map<string, (at: number) => void>();
    manager.observe((e: DialogEvent) => {
      if (e.type === 'fetch' && e.outcome === 'ok') stored.get(e.key.chatId)?.(performance.now());
    });
    const committed: number[] = [];
    const toStored: number[] = [];
    const raw: number[] = [];
    for (let i = -1; i < runs; i++) {
      const chat = 100 + i;
      const started = await manager.processIncomingMessage({ botId: 'bot', platform: source.platform, update: source.start(chat) });
      if (started.status !== 'applied') throw new Error(`/start was not applied: ${started.status}`);
      const done = new Promise<number>((resolve) => stored.set(started.key.chatId, resolve));
      const t0 = performance.now();
      const result = await manager.processIncomingMessage({ botId: 'bot', platform: source.platform, update: source.photo(i + 1, chat) });
      const t1 = performance.now();
      if (result.status === 'applied' && result.effects.some((e) => e.type === 'fetch')) engineFetches = true;
      if (!engineFetches && !source.plants) throw new Error('the engine emitted no fetch for the photo');
      // The planted entry was not learned by the runner (its due time comes from the turn): fire it as the runner does.
      if (!engineFetches) void fireAsRunner(store, manager, { botId: 'bot', platform: source.platform, chatId: started.key.chatId });
      const t2 = await Promise.race([done, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('the photo was not stored within 30 s')), 30_000))]);
      // Baseline: the same bytes from the same server straight to a file.
      const b0 = performance.now();
      await source.rawCopy(i + 1, join(dir, `raw-${i}`));
      const b1 = performance.now();
      if (i < 0) continue; // warm-up
      committed.push(t1 - t0);
      toStored.push(t2 - t0);
      raw.push(b1 - b0);
    }
    await manager.stop();
    await store.close();
    const mb = fileBytes / 1024 / 1024;
    console.log(`(a) a received ${mb} MB photo from ${source.label}, medians of ${runs} runs (engine emits fetch: ${engineFetches ? 'yes' : 'no, entry planted in the same write'})`);
    console.log(`    update -> committed transition: ${median(committed).toFixed(2)} ms`);
    console.log(`    update -> stored file (downloaded, hashed, type read, on disk, media.stored committed): ${median(toStored).toFixed(1)} ms`);
    console.log(`    baseline, raw copy of the same bytes from the same server to a file${kind === 'telegram' ? ' (getFile, then the download)' : ''}: ${median(raw).toFixed(1)} ms`);
    console.log(`    ratio stored/raw: ×${(median(toStored) / median(raw)).toFixed(2)}`);
  } finally {
    await source.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One side of (b) in a process of its own (so neither inherits the other's heap): prints its peak RSS over its start. */
async function peakRss(kind: 'raw' | 'store', url: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-media-'));
  try {
    const media = new DiskMediaStore(join(dir, 'media'));
    const adapter = new PhotoAdapter(url);
    // Warm-up: fetch's modules load on first use; they are not the uploads' memory.
    await (await request(`${url}/1`)).body.arrayBuffer();
    await media.put(Readable.from([JPEG_HEAD]), { maxBytes: 1024 });
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
    const t0 = performance.now();
    const ok = await Promise.all(
      Array.from({ length: uploads }, async (_, i) => {
        if (kind === 'raw') {
          // Baseline: the same downloads piped straight to files, no hashing, sniffing or store.
          const res = await request(`${url}/${3_000_000 + i}`);
          await pipeline(res.body, createWriteStream(join(dir, `raw-${i}`)));
          return true;
        }
        const d = await adapter.download('bot', { kind: 'photo', ref: String(2_000_000 + i) }, AbortSignal.timeout(60_000));
        if (d.kind !== 'stream') throw new Error('expected a stream');
        return (await media.put(d.body, { maxBytes: 20 * 1024 * 1024, mime: ['image/*'] })).ok;
      }),
    );
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    process.send!({ before, peak, ms: performance.now() - t0, failed: ok.filter((x) => !x).length });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function memory(): Promise<void> {
  // 5 MB at 10 MB/s per connection: every upload is in flight for about half a second, all at once.
  const { url, child } = await startSource(10 * 1024 * 1024);
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
  try {
    console.log(`(b) ${uploads} uploads of ${mb(fileBytes)} MB streamed at once (${mb(uploads * fileBytes)} MB in flight; each served at 10 MB/s), medians of ${memoryRuns} runs, each side in a fresh process`);
    const sides = { raw: [] as number[], store: [] as number[] };
    for (let r = 0; r < memoryRuns; r++) {
      for (const kind of ['raw', 'store'] as const) {
        const side = fork(fileURLToPath(import.meta.url), ['rss', kind, url], { execArgv: ['--expose-gc'] });
        const m = await new Promise<{ before: number; peak: number; ms: number; failed: number }>((resolve, reject) => {
          side.once('message', resolve);
          side.once('exit', (code) => reject(new Error(`the ${kind} side exited (${code}) without a result`)));
        });
        side.kill();
        if (m.failed > 0) throw new Error(`${m.failed} ${kind} uploads failed`);
        sides[kind].push(m.peak - m.before);
      }
    }
    const raw = median(sides.raw);
    const ours = median(sides.store);
    const share = (n: number): string => `${((n / (uploads * fileBytes)) * 100).toFixed(1)}% of the bytes in flight`;
    console.log(`    baseline, raw copies to files: peak RSS +${mb(raw)} MB (${share(raw)})`);
    console.log(`    the disk media store (download, hash, type, temp file, rename): peak RSS +${mb(ours)} MB (${share(ours)})`);
    console.log(`    ratio store/raw: ×${(ours / raw).toFixed(2)}`);
  } finally {
    child.kill();
  }
}

/** A step that takes a photo (a media input); where the compiler has no media inputs, a text input stands in. */
const scenario = (input: Record<string, unknown>) => ({
  name: 'Receipt',
  version: '1',
  start_step: 'ask',
  steps: {
    ask: { message: { text: 'Send a photo of your receipt.' }, expected_input: { variable: 'receipt', ...input }, next_step: 'done' },
    done: { message: { text: 'Thanks.' } },
  },
});
const MEDIA_SCENARIO = scenario({ type: 'photo', validation: { max_bytes: '20MB', mime: ['image/*'] } });
const TEXT_SCENARIO = scenario({ type: 'text' });

// As many connections as uploads (undici's default pool has no limit either; said for the reader).
setGlobalDispatcher(new Agent({ connections: 128 }));

if (process.argv[2] === 'serve') serve(Number(process.argv[3] ?? 0));
else if (process.argv[2] === 'fakeapi') await serveFakeApi(Number(process.argv[3]));
else if (process.argv[2] === 'rss') await peakRss(process.argv[3] as 'raw' | 'store', process.argv[4]!);
else {
  for (const kind of sources) await latency(kind);
  if (process.env['MEMORY'] !== 'off') await memory();
}
