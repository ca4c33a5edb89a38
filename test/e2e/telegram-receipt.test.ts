/**
 * The receipt example end to end through the fake Bot API: the whole server (long polling over real HTTP, SQLite on
 * disk, the disk media store in a temp dir). A user's photo is fetched with getFile and the file download, stored by
 * its sha256, and shown back by one multipart upload; later dialogs send it by the file_id Telegram gave. Bad
 * photos are asked for again, and the bot token is written nowhere: not in the logs, not in the database.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../runtime/server/index.js';
import { FakeBotApi, FakeUpload, fakeUpdates } from '../../runtime/testing/fake-bot-api.js';
import { captureLogger } from '../support/capture-logger.js';

const TOKEN = '515151:receiptE2eSecretToken_abcdefghij';
const ALBUM_TOKEN = '525252:albumE2eSecretToken_abcdefghijk';
/** A JPEG's first bytes (SOI, APP0 JFIF): enough for the type read from the bytes. */
const JPEG_HEAD = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex');
const jpeg = (size: number, fill: number): Buffer => Buffer.concat([JPEG_HEAD, Buffer.alloc(size - JPEG_HEAD.length, fill)]);

const ASK_PLACE = 'Thanks! Where did you buy it? Share the location.';
const NOT_A_RECEIPT = 'That is not a photo of a receipt. Please send an image of at most 5 MB.';

const ALBUM_SCENARIO = `scenario "Album" version "1.0"
start ask_photos

step ask_photos
  say "Send up to three photos."
  ask photo -> photos
    max_count 3
    error "Photos, please."
  go thanks

step thanks
  say "Got {{photos}}."
`;

let api: FakeBotApi;
let server: RunningServer;
let dir: string;
let lines: Record<string, unknown>[];
let nextUpdateId = 1;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scenarist-receipt-e2e-'));
  writeFileSync(join(dir, 'album.scn'), ALBUM_SCENARIO);
  const config = join(dir, 'scenarist.config.json');
  writeFileSync(config, JSON.stringify({ bots: [{ id: 'receipt', scenario: resolve('examples/receipt.json') }, { id: 'album', scenario: join(dir, 'album.scn') }] }));
  api = await FakeBotApi.start();
  const captured = captureLogger('debug');
  lines = captured.lines;
  server = await startServer({
    logger: captured.logger,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      SCENARIST_CONFIG: config,
      DATABASE_URL: join(dir, 'db.sqlite'),
      DATA_DIR: join(dir, 'data'),
      ENCRYPTION_KEY: 'e'.repeat(64),
      TELEGRAM_API_ROOT: api.url,
      TELEGRAM_MODE: 'polling',
      TELEGRAM_TOKEN_RECEIPT: TOKEN,
      TELEGRAM_TOKEN_ALBUM: ALBUM_TOKEN,
      // Long enough that the two parts of an album, pushed one after the other, are held together.
      TELEGRAM_MEDIA_GROUP_MS: '1000',
    },
  });
});

afterAll(async () => {
  await server?.close();
  await api?.close();
});

/** A user's update, as Telegram queues it for getUpdates. */
function push(update: Record<string, unknown>, token = TOKEN): void {
  api.pushUpdate(token, { update_id: nextUpdateId++, ...update });
}
function text(chat: number, body: string, token = TOKEN): void {
  push({ message: { message_id: nextUpdateId, date: 1_700_000_000, chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'Ann' }, text: body } }, token);
}
async function replies(chat: number, count: number): Promise<string[]> {
  await api.waitFor((a) => a.texts(chat).length >= count, 10_000);
  return api.texts(chat);
}
const vars = async (botId: string, chat: number) => (await server.store.getDialog({ botId, platform: 'telegram', chatId: String(chat) }))?.vars ?? {};

describe('the receipt example through the fake Bot API', () => {
  const photo = jpeg(200_000, 0x5a);
  const sha256 = createHash('sha256').update(photo).digest('hex');

  it('stores a photo, takes a location, and shows both back with one upload', async () => {
    text(61, '/start');
    await replies(61, 1);
    const calls = { getFile: api.count('getFile'), file: api.count('file') };
    push(fakeUpdates.photo(61, api.addFile(TOKEN, photo)));
    expect((await replies(61, 2))[1]).toBe(ASK_PLACE);
    expect((await vars('receipt', 61))['receipt']).toEqual({ kind: 'photo', id: sha256, mime: 'image/jpeg', size: photo.length, name: expect.any(String), sha256 });
    const kept = join(dir, 'data', 'media', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    expect(readFileSync(kept).equals(photo)).toBe(true);
    expect({ getFile: api.count('getFile') - calls.getFile, file: api.count('file') - calls.file }).toEqual({ getFile: 1, file: 1 });

    push(fakeUpdates.location(61, 52.52, 13.405));
    await replies(61, 4);
    await api.waitFor((a) => a.mediaSent(61).length === 2, 10_000);
    expect((await vars('receipt', 61))['place']).toEqual({ kind: 'location', latitude: 52.52, longitude: 13.405 });
    const [sent, card] = api.mediaSent(61);
    expect(sent!.method).toBe('sendPhoto');
    const upload = sent!.payload['photo'];
    expect(upload).toBeInstanceOf(FakeUpload);
    expect((upload as FakeUpload).bytes.equals(photo)).toBe(true);
    expect(card).toMatchObject({ method: 'sendLocation', payload: { latitude: 52.52, longitude: 13.405 } });
    expect(api.texts(61)).toEqual(['Hello! Send me a photo of your receipt.', ASK_PLACE, 'Here is what I got:', 'Saved. Send /start to file another receipt.']);
  });

  it('sends the same photo back in another dialog by its file_id, with no second upload', async () => {
    text(62, '/start');
    await replies(62, 1);
    push(fakeUpdates.photo(62, api.addFile(TOKEN, photo)));
    await replies(62, 2);
    push(fakeUpdates.location(62, 48.85, 2.35));
    await api.waitFor((a) => a.mediaSent(62).length === 2, 10_000);
    const [sent] = api.mediaSent(62);
    expect(sent!.method).toBe('sendPhoto');
    const fileId = sent!.payload['photo'];
    expect(typeof fileId).toBe('string');
    expect(api.fileOf(fileId as string)!.bytes.equals(photo)).toBe(true);
    expect(api.calls.filter((c) => c.method === 'sendPhoto' && c.payload['photo'] instanceof FakeUpload)).toHaveLength(1);
  });

  it('asks again for a "photo" whose bytes are no image, though declared image/jpeg', async () => {
    text(63, '/start');
    await replies(63, 1);
    push(fakeUpdates.photo(63, api.addFile(TOKEN, Buffer.from('a text, not a picture'), { mime: 'image/jpeg' })));
    expect((await replies(63, 2))[1]).toBe(NOT_A_RECEIPT);
    expect((await vars('receipt', 63))['receipt']).toBeUndefined();
  });

  it('refuses a photo over max_bytes (5 MB) without downloading it', async () => {
    text(64, '/start');
    await replies(64, 1);
    const downloads = api.count('file');
    push(fakeUpdates.photo(64, api.addFile(TOKEN, jpeg(5 * 1024 * 1024 + 1, 0x11))));
    expect((await replies(64, 2))[1]).toBe(NOT_A_RECEIPT);
    expect(api.count('file')).toBe(downloads);
  });

  it('refuses a photo that declares less than it streams, while it streams', async () => {
    text(65, '/start');
    await replies(65, 1);
    const big = jpeg(5 * 1024 * 1024 + 4096, 0x22);
    push(fakeUpdates.photo(65, api.addFile(TOKEN, big, { size: 1000 })));
    expect((await replies(65, 2))[1]).toBe(NOT_A_RECEIPT);
    const bigSha = createHash('sha256').update(big).digest('hex');
    expect(existsSync(join(dir, 'data', 'media', bigSha.slice(0, 2), bigSha.slice(2, 4), bigSha))).toBe(false);
  });
});

describe('an album to an input that takes up to three photos', () => {
  it('is one answer: the variable holds the list of both stored photos', async () => {
    text(71, '/start', ALBUM_TOKEN);
    await replies(71, 1);
    const files = [jpeg(1000, 1), jpeg(2000, 2)];
    for (const part of fakeUpdates.album(71, files.map((b) => api.addFile(ALBUM_TOKEN, b)), 'album-71')) push(part, ALBUM_TOKEN);
    await replies(71, 2);
    const photos = (await vars('album', 71))['photos'];
    expect(photos).toEqual(files.map((b) => expect.objectContaining({ kind: 'photo', mime: 'image/jpeg', size: b.length, sha256: createHash('sha256').update(b).digest('hex') })));
    expect(api.texts(71)).toHaveLength(2);
  });
});

describe('the bot tokens', () => {
  it('appear in no log line and nowhere in the database files', async () => {
    expect(lines.length).toBeGreaterThan(0);
    const logged = JSON.stringify(lines);
    const written = readdirSync(dir)
      .filter((f) => f.startsWith('db.sqlite'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'));
    expect(written.length).toBeGreaterThan(0);
    for (const token of [TOKEN, ALBUM_TOKEN]) {
      const secret = token.split(':')[1]!;
      expect(logged).not.toContain(secret);
      for (const bytes of written) expect(bytes).not.toContain(secret);
    }
  });
});
