// The web chat with a media store: bots whose steps wait for a photo or a location, an in-memory store that keeps
// history media, and a helper that writes history lines with media as the engine will. Shared by the route tests
// and the browser tests.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileScenario, emitMachineConfig, type IrMediaInput, type MachineConfig } from '../../../compiler/index.js';
import { WebChatAdapter, type WebChatHub } from '../../../runtime/adapters/webchat/index.js';
import { DialogManager } from '../../../runtime/dialogs/index.js';
import { createApp, SseStreams, WEBCHAT_PLATFORM } from '../../../runtime/http/index.js';
import { silentLogger, type Logger } from '../../../runtime/log/index.js';
import { MemoryMediaStore, type PutOptions, type PutResult } from '../../../runtime/media/index.js';
import { MemoryStore, type DialogKey, type HistoryEntry, type Store } from '../../../runtime/store/index.js';

export const MEDIA_ADMIN_TOKEN = 'webchat-media-admin-token-0123456789';

/** A photo step, then a location step. */
const RECEIPT_SCN = `scenario "Receipt" version "1.0"
start ask_photo

step ask_photo
  say "Send a photo of the receipt."
  ask text -> receipt
  go ask_place

step ask_place
  say "Where did you buy it?"
  ask text -> place
  go done

step done
  say "Thanks."
`;

/** A location step first. */
const PLACE_SCN = `scenario "Place" version "1.0"
start ask_place

step ask_place
  say "Where are you?"
  ask text -> place
  go done

step done
  say "Thanks."
`;

/** A contact step first. */
const CARD_SCN = `scenario "Card" version "1.0"
start ask_card

step ask_card
  say "Whom should we call?"
  ask text -> card
  go done

step done
  say "Thanks."
`;

/** The steps' inputs as a media input (the compiler of this branch does not read media inputs yet). */
function withMedia(config: MachineConfig, inputs: Record<string, IrMediaInput>): MachineConfig {
  const states = { ...config.states };
  for (const [step, media] of Object.entries(inputs)) {
    const state = states[step]!;
    states[step] = { ...state, meta: { input: { ...state.meta!.input!, type: 'media', media } } };
  }
  return { ...config, states };
}

function compile(source: string, inputs: Record<string, IrMediaInput>): { source: string; config: MachineConfig } {
  const { ir } = compileScenario(source, { file: 'bot.scn' });
  return { source, config: withMedia(emitMachineConfig(ir!), inputs) };
}

export const PHOTO_MAX_BYTES = 300_000;

export const BOT_CONFIGS = {
  receipt: () =>
    compile(RECEIPT_SCN, {
      ask_photo: { kinds: ['photo'], maxBytes: PHOTO_MAX_BYTES, mime: ['image/png', 'image/jpeg'], minCount: 1, maxCount: 1 },
      ask_place: { kinds: ['location'], maxBytes: PHOTO_MAX_BYTES, minCount: 1, maxCount: 1 },
    }),
  place: () => compile(PLACE_SCN, { ask_place: { kinds: ['location'], maxBytes: 1000, minCount: 1, maxCount: 1 } }),
  card: () => compile(CARD_SCN, { ask_card: { kinds: ['contact'], maxBytes: 1000, minCount: 1, maxCount: 1 } }),
};

/** A memory media store that remembers what every put answered. */
export class RecordingMediaStore extends MemoryMediaStore {
  readonly puts: PutResult[] = [];
  override async put(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: PutOptions): Promise<PutResult> {
    const result = await super.put(body, options);
    this.puts.push(result);
    return result;
  }
}

export interface MediaFixture {
  readonly url: string;
  readonly store: Store;
  readonly media: RecordingMediaStore;
  readonly manager: DialogManager;
  readonly hub: WebChatHub;
  readonly adapter: WebChatAdapter;
  key(bot: string, session: string): DialogKey;
  /** Posts a web chat message body; answers the response. */
  post(bot: string, body: unknown): Promise<Response>;
  /** Uploads bytes as the page does. */
  upload(bot: string, session: string, bytes: Uint8Array, headers?: Record<string, string>): Promise<Response>;
  /** Appends history lines to a dialog in one write, as a turn would. */
  addHistory(key: DialogKey, lines: readonly Omit<HistoryEntry, 'key' | 'rev' | 'at'>[]): Promise<void>;
  close(): Promise<void>;
}

let messageIds = 0;

export async function mediaFixture(options: { pages?: boolean; maxUploadBytes?: number; maskPii?: boolean; ratePerMinute?: number; logger?: Logger } = {}): Promise<MediaFixture> {
  const store = new MemoryStore();
  const media = new RecordingMediaStore();
  const logger = options.logger ?? silentLogger();
  const manager = new DialogManager({ store, logger });
  const adapter = new WebChatAdapter(undefined, media);
  manager.registerPlatformAdapter(WEBCHAT_PLATFORM, adapter);
  for (const [id, make] of Object.entries(BOT_CONFIGS)) {
    const { source, config } = make();
    await store.putScenario({ botId: id, hash: config.version, format: 'scn', source, machine: config, createdAt: Date.now() });
    manager.registerBot(id, config);
  }
  const streams = new SseStreams();
  const app = createApp({
    manager,
    store,
    logger,
    telegramSecretOf: () => undefined,
    media,
    webchat: { hub: adapter.hub, media, ratePerMinute: options.ratePerMinute ?? 100_000, streamLimits: { perAddress: 10_000, perSession: 10_000 }, ...(options.maxUploadBytes ? { maxUploadBytes: options.maxUploadBytes } : {}) },
    adminToken: MEDIA_ADMIN_TOKEN,
    pages: options.pages ?? false,
    maskPii: options.maskPii ?? false,
    streams,
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  manager.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = (bot: string, session: string): DialogKey => ({ botId: bot, platform: WEBCHAT_PLATFORM, chatId: session });
  return {
    url,
    store,
    media,
    manager,
    hub: adapter.hub,
    adapter,
    key,
    post: (bot, body) =>
      fetch(`${url}/chat/api/bots/${bot}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: `m${++messageIds}`, ...(body as object) }) }),
    upload: (bot, session, bytes, headers = {}) =>
      fetch(`${url}/chat/api/bots/${bot}/sessions/${session}/uploads`, { method: 'POST', headers: { 'content-type': 'image/png', ...headers }, body: bytes }),
    async addHistory(k, lines) {
      const dialog = await store.getDialog(k);
      if (!dialog) throw new Error(`no dialog ${k.chatId}`);
      const rev = dialog.rev + 1;
      const now = Date.now();
      const ok = await store.writeDialog({ expectedRev: dialog.rev, state: { ...dialog, rev, updatedAt: now }, history: lines.map((l) => ({ ...l, key: k, rev, at: now })) });
      if (!ok) throw new Error('the history write conflicted');
      adapter.hub.notify(k.botId, k.chatId);
    },
    async close() {
      streams.closeAll();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await manager.stop();
      await store.close();
    },
  };
}

/** A valid 1x1 PNG, with `pad` bytes of a text chunk to make it bigger. */
export function png(pad = 0, color = 0): Buffer {
  const crc = (buf: Buffer): number => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  // One scanline: filter 0 and one RGB pixel, deflated (stored block).
  const raw = Buffer.from([0, color, 128, 255 - color]);
  const idat = Buffer.concat([Buffer.from([0x78, 0x01, 0x01, raw.length, 0, ~raw.length & 0xff, 0xff]), raw, adler(raw)]);
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (pad > 0) parts.push(chunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(pad, 0x61)])));
  parts.push(chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

function adler(buf: Buffer): Buffer {
  let a = 1;
  let b = 0;
  for (const x of buf) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE(((b << 16) | a) >>> 0, 0);
  return out;
}
