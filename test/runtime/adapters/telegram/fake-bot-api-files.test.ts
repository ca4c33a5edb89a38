// The fake Bot API's files: what it serves (getFile, the file URL) and how it reads media calls, as Telegram does.
import { describe, expect, it } from 'vitest';
import { FakeUpload } from '../../../../runtime/testing/fake-bot-api.js';
import { useFakeBotApi } from './fake-api-fixture.js';

const TOKEN = '909090:files_Secret';
const OTHER = '808080:other_Secret';
const fake = useFakeBotApi();

async function call(method: string, body: FormData | Record<string, unknown>, token = TOKEN): Promise<{ status: number; body: any }> {
  const init = body instanceof FormData ? { method: 'POST', body } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(`${fake().url}/bot${token}/${method}`, init);
  return { status: res.status, body: await res.json() };
}

describe('FakeBotApi files', () => {
  it('serves a registered file through getFile and the file URL, for its bot only', async () => {
    const f = fake().addFile(TOKEN, Buffer.from('hello bytes'), { name: 'a.txt' });
    const info = await call('getFile', { file_id: f.file_id });
    expect(info).toMatchObject({ status: 200, body: { result: { file_id: f.file_id, file_size: 11, file_path: f.file_path } } });
    const res = await fetch(`${fake().url}/file/bot${TOKEN}/${f.file_path}`);
    expect([res.status, await res.text()]).toEqual([200, 'hello bytes']);
    expect((await fetch(`${fake().url}/file/bot${OTHER}/${f.file_path}`)).status).toBe(404);
    expect(await call('getFile', { file_id: f.file_id }, OTHER)).toMatchObject({ status: 400, body: { description: 'Bad Request: invalid file_id' } });
  });

  it('refuses getFile for a file over 20 MB', async () => {
    const f = fake().addFile(TOKEN, Buffer.from('x'), { size: 21 * 1024 * 1024 });
    expect(await call('getFile', { file_id: f.file_id })).toMatchObject({ status: 400, body: { description: 'Bad Request: file is too big' } });
  });

  it('reads a file from a part named by the field, from attach://, or a file_id; answers with photo sizes', async () => {
    const byField = new FormData();
    byField.set('chat_id', '5');
    byField.set('photo', new Blob([Buffer.from('png bytes')], { type: 'image/png' }), 'a.png');
    const first = await call('sendPhoto', byField);
    expect(first.status).toBe(200);
    const sizes = first.body.result.photo as { file_id: string; width: number }[];
    expect(sizes.map((s) => s.width)).toEqual([90, 1280]);
    const upload = fake().mediaSent(5)[0]!.payload['photo'] as FakeUpload;
    expect([upload.filename, upload.contentType, upload.bytes.toString()]).toEqual(['a.png', 'image/png', 'png bytes']);

    const attached = new FormData();
    attached.set('chat_id', '5');
    attached.set('document', 'attach://file0');
    attached.set('file0', new Blob([Buffer.from('doc')]), 'd.pdf');
    expect((await call('sendDocument', attached)).body.result.document).toMatchObject({ file_name: 'd.pdf', file_size: 3 });

    const reused = await call('sendPhoto', { chat_id: 5, photo: sizes[1]!.file_id, caption: 'again' });
    expect(reused.body.result).toMatchObject({ caption: 'again', photo: [{}, { file_id: sizes[1]!.file_id }] });
    expect(fake().fileOf(sizes[1]!.file_id)!.bytes.toString()).toBe('png bytes');
  });

  it('answers 400 to an unknown file_id, a missing attachment and a caption over 1024 characters', async () => {
    expect(await call('sendPhoto', { chat_id: 5, photo: 'nope' })).toMatchObject({ status: 400, body: { description: 'Bad Request: wrong file identifier/HTTP URL specified' } });
    expect((await call('sendDocument', { chat_id: 5, document: 'attach://missing' })).status).toBe(400);
    expect((await call('sendPhoto', { chat_id: 5, photo: 'https://example.org/a.jpg', caption: 'x'.repeat(1025) })).status).toBe(400);
    expect(await call('sendPhoto', { chat_id: 5, photo: 'https://example.org/a.jpg' })).toMatchObject({ status: 200 });
    expect(fake().mediaSent(5)).toHaveLength(1);
  });

  it('answers cards: location, venue and contact', async () => {
    expect((await call('sendVenue', { chat_id: 5, latitude: 1, longitude: 2, title: 'T', address: 'A' })).body.result).toMatchObject({ venue: { title: 'T', address: 'A' }, location: { latitude: 1 } });
    expect((await call('sendVenue', { chat_id: 5, latitude: 1, longitude: 2, title: 'T' })).status).toBe(400);
    expect((await call('sendLocation', { chat_id: 5, latitude: 100, longitude: 2 })).status).toBe(400);
    expect((await call('sendContact', { chat_id: 5, phone_number: '+1', first_name: 'A' })).body.result.contact).toEqual({ phone_number: '+1', first_name: 'A' });
  });
});
