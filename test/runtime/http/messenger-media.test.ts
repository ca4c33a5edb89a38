import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeGraphApi, messengerUpdates as m, postWebhook } from '../../../runtime/testing/fake-graph-api.js';
import { serverFixture, type ServerFixture } from '../../support/server-fixture.js';

const PAGE = '1122334455';
const PAGE_TOKEN = 'EAABfakePageToken';
const APP_SECRET = 'messenger-app-secret';

/** A photo in, the stored photo back out. */
const ECHO_PHOTO = {
  name: 'Photo echo',
  version: '1.0',
  start_step: 'ask',
  steps: {
    ask: {
      message: { text: 'Send me a photo.' },
      expected_input: { type: ['photo', 'document'], variable: 'pic', validation: { max_bytes: '1MB', mime: ['image/*'] }, error_message: 'A photo, please.' },
      next_step: 'show',
    },
    show: { message: { text: 'Here it is:' }, media: [{ image: '{{pic}}' }] },
  },
};

let fixture: ServerFixture;
let graph: FakeGraphApi;

beforeAll(async () => {
  graph = await FakeGraphApi.start();
  graph.messenger.addPage(PAGE, PAGE_TOKEN);
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-messenger-media-'));
  writeFileSync(join(dir, 'photo.json'), JSON.stringify(ECHO_PHOTO));
  fixture = await serverFixture(
    { MESSENGER_API_ROOT: graph.url, MESSENGER_PAGE_TOKEN_GREETER: PAGE_TOKEN, MESSENGER_APP_SECRET_GREETER: APP_SECRET, MESSENGER_VERIFY_TOKEN_GREETER: 'v', MESSENGER_PAGE_ID_GREETER: PAGE },
    { scenario: join(dir, 'photo.json'), channels: ['telegram', 'messenger'] },
  );
});

afterAll(async () => {
  await fixture?.close();
  await graph?.close();
});

it('downloads a photo a user sent from its attachment URL and sends it back as an upload', async () => {
  const user = '7200000000000001';
  const url = `${fixture.server.url}/webhooks/messenger/greeter`;
  expect(await postWebhook(url, m.text(PAGE, user, 'hi'), APP_SECRET)).toBe(200);
  // A JPEG's first bytes, so the type read from the bytes is an image.
  const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(200, 1)]);
  const attachment = graph.messenger.addAttachment(jpeg, { mime: 'image/jpeg' });
  expect(await postWebhook(url, m.attachments(PAGE, user, [{ type: 'image', url: attachment }]), APP_SECRET)).toBe(200);
  for (let i = 0; i < 1000 && graph.messenger.sent(user).length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  const messages = graph.messenger.sent(user).map((c) => c.payload['message']);
  expect(messages).toEqual([
    { text: 'Send me a photo.' },
    { text: 'Here it is:' },
    { attachment: { type: 'image', payload: { attachment_id: graph.messenger.uploads[0]!.id } } },
  ]);
  expect(graph.messenger.uploads[0]!.bytes.equals(jpeg)).toBe(true);
});
