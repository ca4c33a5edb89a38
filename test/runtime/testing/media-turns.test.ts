import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConversationTests, runConversationTest } from '../../../runtime/testing/index.js';
import { mediaConfig, mediaInput, tpl } from '../../support/media-ir.js';

const ask = (text: string, variable: string, next: unknown) => ({ message: { text }, expected_input: { type: 'text', variable, error_message: 'A photo, please.' }, next_step: next });
const say = (text: string, next?: unknown) => ({ message: { text }, ...(next ? { next_step: next } : {}) });

const BOT = mediaConfig(
  { ask_receipt: ask('Receipt?', 'receipt', 'ask_place'), ask_place: ask('Where?', 'place', 'show'), show: say('Got it', 'done'), done: say('Bye') },
  {
    ask_receipt: { input: mediaInput({ kinds: ['photo', 'document'], mime: ['image/*'], maxBytes: 1000 }) },
    ask_place: { input: mediaInput({ kinds: ['location', 'contact'] }) },
    show: {
      media: [
        { type: 'image', source: { kind: 'var', variable: 'receipt' }, caption: tpl('{{receipt.size}} bytes') },
        { type: 'location', source: { kind: 'var', variable: 'place' } },
        { type: 'document', source: { kind: 'path', path: 'files/terms.pdf' } },
      ],
    },
  },
);

const ALBUM = mediaConfig({ q: ask('Photos?', 'pics', 'done'), done: say('{{pics}}') }, { q: { input: mediaInput({ minCount: 2, maxCount: 3 }) } });

const dir = resolve('examples');
const opening = [{ user: 'hi' }, { bot: 'Receipt?' }];

async function run(turns: unknown[], config = BOT) {
  const { tests, problems } = readConversationTests({ name: 't', turns });
  expect(problems).toEqual([]);
  return runConversationTest(config, tests[0]!, { dir });
}

describe('conversation tests: media', () => {
  it('a photo is fetched at once through the media store; checks see the file variable and the bot media', async () => {
    const result = await run([
      ...opening,
      { photo: 'fixtures/receipt.jpg', caption: 'mine' },
      { bot: 'Where?', vars: { receipt: { kind: 'photo', name: 'receipt.jpg', mime: 'image/jpeg', size: 212 } } },
      { location: { latitude: 52.5, longitude: 13.4, title: 'Shop' } },
      {
        bot: 'Got it',
        media: [{ image: 'receipt.jpg', caption: '212 bytes' }, { location: { latitude: 52.5, title: 'Shop' } }, { document: 'files/terms.pdf' }],
      },
      { bot: 'Bye', ended: true },
    ]);
    expect(result).toEqual({ name: 't', passed: true });
  });

  it('a media check alone skips the text; a medium that differs is the divergence', async () => {
    const head = [...opening, { photo: 'fixtures/receipt.jpg' }, { bot: 'Where?' }, { contact: { phone: '+1', first_name: 'Ann' } }];
    expect(await run([...head, { media: [{ image: 'receipt.jpg' }, { document: 'files/terms.pdf' }] }, { bot: 'Bye' }])).toMatchObject({ passed: true });
    expect(await run([...head, { bot: 'Got it', media: [{ image: 'other.jpg' }, { document: 'files/terms.pdf' }] }])).toMatchObject({
      passed: false,
      failure: { turn: 6, actual: 'bot "Got it" with media [{"image":"receipt.jpg","caption":"212 bytes"},{"document":"files/terms.pdf"}]' },
    });
  });

  it('a file whose bytes are not of an accepted type, or over the size limit, is refused as on the server', async () => {
    const refused = [{ bot: 'A photo, please.', step: 'ask_receipt' }];
    expect(await run([...opening, { document: 'fixtures/receipt.txt', name: 'receipt.jpg', mime: 'image/jpeg' }, ...refused])).toMatchObject({ passed: true });
    const small = mediaConfig({ q: ask('Receipt?', 'receipt', 'done'), done: say('ok') }, { q: { input: mediaInput({ maxBytes: 100 }) } });
    // The declared size is the file's own, over the limit: refused before any fetch.
    expect(await run([{ user: 'hi' }, { bot: 'Receipt?' }, { photo: 'fixtures/receipt.jpg' }, { bot: 'A photo, please.' }], small)).toMatchObject({ passed: true });
  });

  it('download: "fails" makes the fetch fail; text to a file input is refused', async () => {
    expect(await run([...opening, { photo: 'fixtures/receipt.jpg', download: 'fails' }, { bot: 'A photo, please.', step: 'ask_receipt' }])).toMatchObject({ passed: true });
    expect(await run([...opening, { user: 'no' }, { bot: 'A photo, please.' }])).toMatchObject({ passed: true });
  });

  it('several files at once land in a list', async () => {
    const result = await run(
      [{ user: 'hi' }, { bot: 'Photos?' }, { files: [{ photo: 'fixtures/receipt.jpg' }, { photo: 'fixtures/receipt.jpg', name: 'b.jpg' }] }, { bot: 'receipt.jpg, b.jpg', vars: { pics: [{ name: 'receipt.jpg' }, { name: 'b.jpg' }] } }],
      ALBUM,
    );
    expect(result).toEqual({ name: 't', passed: true });
  });

  it('a media turn while bot messages are unchecked is the divergence', async () => {
    expect(await run([{ user: 'hi' }, { photo: 'fixtures/receipt.jpg' }])).toMatchObject({ passed: false, failure: { turn: 2, expected: 'user photo "fixtures/receipt.jpg"', actual: 'bot "Receipt?"' } });
  });

  it('refuses malformed media turns when reading the file', () => {
    for (const bad of [
      { photo: 1 },
      { photo: 'a.jpg', video: 'b.mp4' },
      { photo: 'a.jpg', download: 'slow' },
      { photo: 'a.jpg', bot: 'x' },
      { files: [] },
      { files: [{ photo: 'a.jpg', caption: 'c' }] },
      { location: { latitude: 91, longitude: 0 } },
      { location: { latitude: 1 } },
      { contact: { phone: '+1' } },
      { bot: 'x', media: [{ image: 'a', video: 'b' }] },
      { media: [{ picture: 'a' }] },
    ]) {
      expect(readConversationTests({ name: 't', turns: [bad] }).problems, JSON.stringify(bad)).toHaveLength(1);
    }
  });
});
