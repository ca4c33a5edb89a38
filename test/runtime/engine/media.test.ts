import { describe, expect, it } from 'vitest';
import { Dialog, type Effect, type FileValue, type IncomingFile } from '../../../runtime/engine/index.js';
import { mediaConfig, mediaInput, tpl } from '../../support/media-ir.js';

const ask = (text: string, variable: string, next: unknown, extra: Record<string, unknown> = {}) => ({
  message: { text },
  expected_input: { type: 'text', variable, error_message: 'Send a photo of the receipt, please.', ...extra },
  next_step: next,
});
const say = (text: string, next?: unknown) => ({ message: { text }, ...(next ? { next_step: next } : {}) });

const photo = (over: Partial<IncomingFile> = {}): IncomingFile => ({ kind: 'photo', ref: 'tg-file-1', size: 1000, ...over });
const stored = (over: Partial<FileValue> = {}): FileValue => ({ kind: 'photo', id: 'abc', sha256: 'abc', mime: 'image/jpeg', size: 1234, name: 'receipt.jpg', ...over });

const receiptBot = (over: Parameters<typeof mediaInput>[0] = {}, extra: Record<string, unknown> = {}) =>
  mediaConfig(
    {
      ask_receipt: ask('Send the receipt', 'receipt', 'ask_place', extra),
      ask_place: ask('Where?', 'place', 'done'),
      done: say('Got {{receipt}} ({{receipt.size}} bytes, {{receipt.mime}}) at {{place}}; lat {{place.latitude}}'),
      big: say('Too big: {{receipt.name}}'),
      gave_up: say('Never mind.'),
    },
    {
      ask_receipt: { input: mediaInput({ mime: ['image/*'], ...over }) },
      ask_place: { input: mediaInput({ kinds: ['location'] }) },
    },
  );

const types = (effects: readonly Effect[]) => effects.map((e) => (e.type === 'say' ? e.text : `<${e.type}>`));

function atReceipt(config = receiptBot()) {
  const d = new Dialog(config);
  d.send({ text: 'hi' });
  return d;
}

describe('media inputs in the engine', () => {
  it('takes declared files: a fetch effect with the input limits, the step stays, the answer is not refused', () => {
    const d = atReceipt();
    const r = d.send({ files: [photo({ mime: 'image/jpeg' })], text: 'my receipt' });
    expect(r.effects).toEqual([{ type: 'fetch', step: 'ask_receipt', files: [photo({ mime: 'image/jpeg' })], limits: { maxBytes: 5_000_000, mime: ['image/*'] } }]);
    expect(r.step).toBe('ask_receipt');
    expect(r.refused).toBe(false);
    expect(d.vars['receipt']).toBeUndefined();
  });

  it('leaves the mime out of the limits when the input accepts any type', () => {
    const d = atReceipt(receiptBot({ mime: undefined }));
    const r = d.send({ files: [photo()] });
    expect(r.effects[0]).toMatchObject({ type: 'fetch', limits: { maxBytes: 5_000_000 } });
    expect((r.effects[0] as { limits: object }).limits).not.toHaveProperty('mime');
  });

  it('stores the stored file on media.stored and takes the route; templates read its name and fields', () => {
    const d = atReceipt();
    d.send({ files: [photo()] });
    const r = d.sendEvent({ type: 'media.stored', ok: true, files: [stored()] });
    expect(d.vars['receipt']).toEqual(stored());
    expect(r.step).toBe('ask_place');
    expect(r.refused).toBe(false);
    const end = d.send({ location: { kind: 'location', latitude: 52.52, longitude: 13.405 } });
    expect(types(end.effects)).toEqual(['Got receipt.jpg (1234 bytes, image/jpeg) at 52.52, 13.405; lat 52.52', '<end>']);
    expect(d.vars['place']).toEqual({ kind: 'location', latitude: 52.52, longitude: 13.405 });
  });

  it('refuses text, a wrong kind, too many files, a declared size or type over the limits: the error message, an attempt counted', () => {
    for (const message of [
      { text: 'here it is' },
      { files: [photo({ kind: 'document' })] },
      { files: [photo(), photo({ ref: 'b' })] },
      { files: [photo({ size: 5_000_001 })] },
      { files: [photo({ kind: 'photo', mime: 'application/pdf' })] },
      { location: { kind: 'location' as const, latitude: 1, longitude: 2 } },
    ]) {
      const d = atReceipt();
      const r = d.send(message);
      expect(types(r.effects)).toEqual(['Send a photo of the receipt, please.']);
      expect(r.refused).toBe(true);
      expect(r.step).toBe('ask_receipt');
    }
  });

  it('a text input refuses a photo even with a caption', () => {
    const d = new Dialog(mediaConfig({ q: ask('Name?', 'name', 'done'), done: say('Hi {{name}}') }, {}));
    d.send({ text: 'hi' });
    expect(d.send({ text: 'Bob', files: [photo()] }).refused).toBe(true);
    expect(d.send({ text: 'Bob' }).step).toBeUndefined();
  });

  it('a failed fetch counts an attempt and says the error message; on_fail when the attempts are spent', () => {
    const d = atReceipt(receiptBot({}, { max_attempts: 2, on_fail: 'gave_up' }));
    d.send({ files: [photo()] });
    const first = d.sendEvent({ type: 'media.stored', ok: false, error: 'type', detail: 'the file is application/pdf' });
    expect(types(first.effects)).toEqual(['Send a photo of the receipt, please.']);
    expect(first.refused).toBe(true);
    d.send({ files: [photo()] });
    const second = d.sendEvent({ type: 'media.stored', ok: false, error: 'download', detail: 'gone' });
    expect(types(second.effects)).toEqual(['Never mind.', '<end>']);
  });

  it('a caption "/start" on a photo is a photo, not the command', () => {
    const d = atReceipt();
    expect(d.send({ text: '/start', files: [photo()] }).effects[0]).toMatchObject({ type: 'fetch' });
  });

  it('stores the list of files when the input takes several, within its count', () => {
    const config = mediaConfig(
      { q: ask('Photos?', 'pics', 'done'), done: say('Got {{pics}}') },
      {
        q: { input: mediaInput({ maxCount: 3, minCount: 2 }) },
      },
    );
    const d = new Dialog(config);
    d.send({ text: 'hi' });
    expect(d.send({ files: [photo()] }).refused).toBe(true);
    expect(d.send({ files: [photo(), photo({ ref: 'b' })] }).effects[0]).toMatchObject({ type: 'fetch', files: [{ ref: 'tg-file-1' }, { ref: 'b' }] });
    const r = d.sendEvent({ type: 'media.stored', ok: true, files: [stored({ name: 'a.jpg' }), stored({ name: 'b.jpg' })] });
    expect(types(r.effects)).toEqual(['Got a.jpg, b.jpg', '<end>']);

  });

  it('routes on a stored file field (receipt.size > 1000000)', () => {
    const config = mediaConfig(
      { p1: ask('One', 'pic', 'done'), done: say('Fine: {{pic}}'), big: say('Big: {{pic.name}}') },
      { p1: { input: mediaInput(), branches: [{ when: 'pic.size > 1000000', target: 'big' }], else: 'done' } },
    );
    const d = new Dialog(config);
    d.send({ text: 'hi' });
    d.send({ files: [photo()] });
    expect(types(d.sendEvent({ type: 'media.stored', ok: true, files: [stored({ size: 2_000_000 })] }).effects)).toEqual(['Big: receipt.jpg', '<end>']);
    const e = new Dialog(config);
    e.send({ text: 'hi' });
    e.send({ files: [photo()] });
    expect(types(e.sendEvent({ type: 'media.stored', ok: true, files: [stored()] }).effects)).toEqual(['Fine: receipt.jpg', '<end>']);
  });

  it('a contact is stored at once and shows as "First Last, phone"', () => {
    const d = new Dialog(mediaConfig({ q: ask('Contact?', 'c', 'done'), done: say('{{c}} / {{c.first_name}}') }, { q: { input: mediaInput({ kinds: ['location', 'contact'] }) } }));
    d.send({ text: 'hi' });
    const r = d.send({ contact: { kind: 'contact', phone: '+4930123', first_name: 'Ann', last_name: 'Lee' } });
    expect(types(r.effects)).toEqual(['Ann Lee, +4930123 / Ann', '<end>']);
  });

  it('ignores media.stored where no step waits for files', () => {
    const d = new Dialog(mediaConfig({ q: ask('Name?', 'name', 'done'), done: say('Hi') }, {}));
    d.send({ text: 'hi' });
    expect(d.sendEvent({ type: 'media.stored', ok: true, files: [stored()] }).effects).toEqual([]);
    expect(d.step).toBe('q');
  });
});

describe('media a step sends', () => {
  const bot = () =>
    mediaConfig(
      { q: ask('Photo?', 'receipt', 'show'), show: say('Here it is', 'card'), card: say('unused') },
      {
        q: { input: mediaInput() },
        show: {
          media: [
            { type: 'image', source: { kind: 'var', variable: 'receipt' }, caption: tpl('{{receipt.name}}, {{receipt.size}} bytes') },
            { type: 'image', source: { kind: 'url', url: tpl('https://img.example/{{receipt.name}}?a=1') } },
            { type: 'document', source: { kind: 'path', path: 'files/terms.pdf' } },
            { type: 'location', source: { kind: 'var', variable: 'place' } },
          ],
        },
        card: {
          noMessage: true,
          media: [
            { type: 'location', source: { kind: 'fixed', value: { latitude: 1.5, longitude: 2.5, title: 'Shop' } } },
            { type: 'contact', source: { kind: 'fixed', value: { phone: '+1', first_name: 'Zed' } } },
          ],
        },
      },
    );

  it('renders the media after the text: variable files as stored files, URLs rendered, paths kept, unset variables left out', () => {
    const d = new Dialog(bot());
    d.send({ text: 'hi' });
    d.send({ files: [photo()] });
    const r = d.sendEvent({ type: 'media.stored', ok: true, files: [stored({ name: 'my receipt.jpg' })] });
    const [show, card] = r.effects;
    expect(show).toEqual({
      type: 'say',
      step: 'show',
      text: 'Here it is',
      buttons: [],
      media: [
        { type: 'image', source: { file: { id: 'abc', sha256: 'abc', mime: 'image/jpeg', size: 1234, name: 'my receipt.jpg' } }, caption: 'my receipt.jpg, 1234 bytes' },
        { type: 'image', source: { url: 'https://img.example/my%20receipt.jpg?a=1' } },
        { type: 'document', source: { path: 'files/terms.pdf' } },
      ],
    });
    expect(card).toEqual({
      type: 'say',
      step: 'card',
      text: '',
      buttons: [],
      media: [
        { kind: 'location', latitude: 1.5, longitude: 2.5, title: 'Shop' },
        { kind: 'contact', phone: '+1', first_name: 'Zed' },
      ],
    });
  });
});

describe('media values in calls', () => {
  it('a URL shows a file by its name; a body leaf that is the variable alone sends the file reference', () => {
    const config = mediaConfig(
      {
        q: ask('Photo?', 'receipt', 'upload'),
        upload: { message: { text: 'Saving' }, call: { method: 'POST', url: 'https://api.example/r/{{receipt}}?kb={{receipt.size}}', body: { file: '{{receipt}}', note: 'n {{receipt}}' } }, next_step: 'done' },
        done: say('ok'),
      },
      { q: { input: mediaInput() } },
    );
    const d = new Dialog(config);
    d.send({ text: 'hi' });
    d.send({ files: [photo()] });
    const r = d.sendEvent({ type: 'media.stored', ok: true, files: [stored({ name: 'a b.jpg' })] });
    expect(r.effects[1]).toMatchObject({ type: 'call', request: { url: 'https://api.example/r/a%20b.jpg?kb=1234', body: { file: stored({ name: 'a b.jpg' }), note: 'n a b.jpg' } } });
  });
});
