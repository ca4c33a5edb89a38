// The HTTP app as the server builds it (web chat, admin API, metrics, pages) on a temp SQLite file, with the
// clock, the stream poll and the store injectable, so tests can count minutes and fail the store at will.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileScenario, emitMachineConfig, type MachineConfig } from '../../../compiler/index.js';
import { WebChatAdapter, type WebChatHub } from '../../../runtime/adapters/webchat/index.js';
import { DialogManager } from '../../../runtime/dialogs/index.js';
import { createApp, SseStreams, WEBCHAT_PLATFORM, type StreamLimits } from '../../../runtime/http/index.js';
import { silentLogger } from '../../../runtime/log/index.js';
import { createMetrics } from '../../../runtime/metrics/index.js';
import { openStore, type DialogKey, type Store } from '../../../runtime/store/index.js';
import { SseClient } from './sse-client.js';

export const ADMIN_TOKEN = 'http-tests-admin-token-0123456789';
/** A whole minute, so history times fall at the start of a rate bucket. */
export const T0 = Date.UTC(2025, 5, 2, 12, 0, 0);

/** A bot whose second answer is sensitive: masked in history, variables and transcripts. */
export const VAULT_SCN = `scenario "Vault" version "1.0"
start ask_name

step ask_name
  say "Your name?"
  ask text -> name
  go ask_code

step ask_code
  say "Your secret code, {{name}}?"
  ask text -> code
    sensitive
  go ask_email

step ask_email
  say "Your e-mail?"
  ask text -> email
  go done

step done
  say "Saved, {{name}}."
`;

export interface FixtureOptions {
  /** Wraps the SQLite store (to make it fail). */
  readonly wrapStore?: (store: Store) => Store;
  readonly pollMs?: number;
  readonly maskPii?: boolean;
  /** Open event streams allowed at once. */
  readonly maxStreams?: number;
  /** Web chat messages a minute per client address; high by default, as every test posts from 127.0.0.1. */
  readonly ratePerMinute?: number;
  /** Event streams per client address and per session; high by default, as every test connects from 127.0.0.1. */
  readonly streamLimits?: StreamLimits;
  /** Client addresses from X-Forwarded-For, so a test can speak from several addresses. */
  readonly trustProxy?: boolean;
}

export interface AppFixture {
  readonly url: string;
  readonly dir: string;
  readonly store: Store;
  readonly manager: DialogManager;
  readonly hub: WebChatHub;
  readonly streams: SseStreams;
  now: number;
  /** POSTs a raw message body (a string is sent as is) to the web chat. */
  post(bot: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Sends a text (or a button value) as a session and returns the JSON answer; fails unless 200. */
  say(bot: string, session: string, text: string): Promise<{ status: string; rev?: number }>;
  press(bot: string, session: string, value: string): Promise<{ status: string; rev?: number }>;
  /** A request to the admin API with the bearer token. */
  admin(path: string, init?: RequestInit): Promise<Response>;
  events(bot: string, session: string, options?: { query?: string; headers?: Record<string, string> }): Promise<SseClient>;
  key(bot: string, session: string): DialogKey;
  close(): Promise<void>;
}

/** A valid session id (16 to 64 of A-Z, a-z, 0-9, _ and -) named after what a test does. */
export const session = (label: string): string => `${label}_${'0'.repeat(16)}`.slice(0, 64);

let nextId = 1;

/** A scenario file compiled as the server does; the tests' files have no errors. */
export function compileFile(file: string): { source: string; config: MachineConfig } {
  const source = readFileSync(file, 'utf8');
  const { ir } = compileScenario(source, { file });
  return { source, config: emitMachineConfig(ir!) };
}

export async function appFixture(options: FixtureOptions = {}): Promise<AppFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-http-app-'));
  writeFileSync(join(dir, 'vault.scn'), VAULT_SCN);
  const sources: Record<string, { file: string; name: string }> = {
    greeter: { file: resolve('examples/spec-example.json'), name: 'Greeter' },
    signup: { file: resolve('examples/signup-validation.scn'), name: 'Sign-up' },
    vault: { file: join(dir, 'vault.scn'), name: 'Vault' },
  };
  const raw = await openStore(join(dir, 'db.sqlite'));
  const store = options.wrapStore ? options.wrapStore(raw) : raw;
  const logger = silentLogger();
  const f = { now: T0 } as { now: number };
  const clock = (): number => f.now;
  const manager = new DialogManager({ store, logger, clock });
  const adapter = new WebChatAdapter();
  manager.registerPlatformAdapter(WEBCHAT_PLATFORM, adapter);
  for (const [id, { file }] of Object.entries(sources)) {
    const { source, config } = compileFile(file);
    await raw.putScenario({ botId: id, hash: config.version, format: file.endsWith('.scn') ? 'scn' : 'json', source, machine: config, createdAt: T0 });
    manager.registerBot(id, config);
  }
  const metrics = createMetrics({ defaultMetrics: false });
  manager.observe(metrics.observeDialogs);
  metrics.trackManager(() => manager.stats);
  const streams = new SseStreams(15_000, options.maxStreams);
  const app = createApp({
    manager,
    store,
    logger,
    clock,
    telegramSecretOf: () => undefined,
    bots: () => Object.entries(sources).map(([id, s]) => ({ id, name: s.name })),
    webchat: { hub: adapter.hub, ratePerMinute: options.ratePerMinute ?? 10_000, ...(options.pollMs ? { pollMs: options.pollMs } : {}), streamLimits: options.streamLimits ?? { perAddress: 10_000, perSession: 10_000 } },
    trustProxy: options.trustProxy ?? false,
    adminToken: ADMIN_TOKEN,
    maskPii: options.maskPii ?? false,
    metrics,
    streams,
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  manager.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients = new Set<SseClient>();

  const post = (bot: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/chat/api/bots/${bot}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const send = async (bot: string, body: Record<string, string>) => {
    const r = await post(bot, { id: `m${nextId++}`, ...body });
    if (r.status !== 200) throw new Error(`POST ${JSON.stringify(body)} answered ${r.status}: ${await r.text()}`);
    return (await r.json()) as { status: string; rev?: number };
  };

  return Object.assign(f, {
    url,
    dir,
    store,
    manager,
    hub: adapter.hub,
    streams,
    post,
    say: (bot: string, s: string, text: string) => send(bot, { session: s, text }),
    press: (bot: string, s: string, value: string) => send(bot, { session: s, press: value }),
    admin: (path: string, init: RequestInit = {}) =>
      fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers as Record<string, string> | undefined) } }),
    async events(bot: string, s: string, o: { query?: string; headers?: Record<string, string> } = {}) {
      const client = await SseClient.open(`${url}/chat/api/bots/${bot}/sessions/${s}/events${o.query ?? ''}`, o.headers);
      clients.add(client);
      return client;
    },
    key: (bot: string, s: string): DialogKey => ({ botId: bot, platform: WEBCHAT_PLATFORM, chatId: s }),
    async close() {
      await Promise.all([...clients].map((c) => c.close()));
      streams.closeAll();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await manager.stop();
      await raw.close();
    },
  });
}
