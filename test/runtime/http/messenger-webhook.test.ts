import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../../runtime/adapters/meta/index.js';
import { FakeGraphApi, messengerUpdates as m, postWebhook, signWebhook, type FakeMessengerCall } from '../../../runtime/testing/fake-graph-api.js';
import { serverFixture, type ServerFixture } from '../../support/server-fixture.js';

const PAGE = '1122334455';
const PAGE_TOKEN = 'EAABfakePageToken';
const APP_SECRET = 'messenger-app-secret';
const VERIFY = 'verify-messenger';

/** Four drinks (quick replies), then yes or no (a button template, answered by a postback). */
const CAFE = {
  name: 'Cafe',
  version: '1.0',
  start_step: 'menu',
  steps: {
    menu: {
      type: 'message',
      message: { text: 'What would you like?' },
      buttons: ['Coffee', 'Tea', 'Juice', 'Water'].map((d) => ({ text: d, value: d.toLowerCase() })),
      expected_input: { type: 'button', variable: 'drink', error_message: 'Pick a drink.' },
      next_step: 'confirm',
    },
    confirm: {
      type: 'message',
      message: { text: '{{drink}}, right?' },
      buttons: [
        { text: 'Yes', value: 'yes' },
        { text: 'No', value: 'no' },
      ],
      expected_input: { type: 'button', variable: 'ok', error_message: 'Yes or no?' },
      next_step: { type: 'conditional', conditions: [{ if: 'ok == "yes"', then: 'done' }, { if: 'ok == "no"', then: 'menu' }] },
    },
    done: { type: 'message', message: { text: 'Coming right up: {{drink}}.' } },
  },
};

let fixture: ServerFixture;
let graph: FakeGraphApi;
let url: string;

/** Waits until the fake Send API has accepted `count` messages to the user (replies go out after the 200). */
async function sentTo(psid: string, count: number): Promise<FakeMessengerCall[]> {
  for (let i = 0; i < 1000 && graph.messenger.sent(psid).length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return graph.messenger.sent(psid);
}
const message = (c: FakeMessengerCall) => c.payload['message'] as { text?: string; quick_replies?: { title: string; payload: string }[]; attachment?: { type: string; payload: { text: string; buttons: { type: string; title: string; payload: string }[] } } };
const post = (body: unknown) => postWebhook(url, body, APP_SECRET);

beforeAll(async () => {
  graph = await FakeGraphApi.start();
  graph.messenger.addPage(PAGE, PAGE_TOKEN);
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-messenger-'));
  writeFileSync(join(dir, 'cafe.json'), JSON.stringify(CAFE));
  fixture = await serverFixture(
    {
      MESSENGER_API_ROOT: graph.url,
      MESSENGER_PAGE_TOKEN_GREETER: PAGE_TOKEN,
      MESSENGER_APP_SECRET_GREETER: APP_SECRET,
      MESSENGER_VERIFY_TOKEN_GREETER: VERIFY,
      MESSENGER_PAGE_ID_GREETER: PAGE,
    },
    { scenario: join(dir, 'cafe.json'), channels: ['telegram', 'messenger'] },
  );
  url = `${fixture.server.url}/webhooks/messenger/greeter`;
});

afterAll(async () => {
  await fixture?.close();
  await graph?.close();
});

describe('GET /webhooks/messenger/:botId (subscription)', () => {
  it('echoes the challenge when the verify token matches, and is 403 otherwise', async () => {
    const ok = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=777`);
    expect([ok.status, await ok.text()]).toEqual([200, '777']);
    const wrong = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=777`);
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('777');
  });

  it('is 404 for a bot without Messenger credentials', async () => {
    const res = await fetch(`${fixture.server.url}/webhooks/messenger/no-token?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1`);
    expect(res.status).toBe(404);
  });
});

describe('the startup log', () => {
  it('gives the callback URL of a bot on Messenger, and the variables of one that is not', () => {
    const greeter = fixture.lines.find((l) => l['botId'] === 'greeter' && String(l['webhook'] ?? '').includes('/messenger/'));
    expect(greeter?.['webhook']).toBe(`${fixture.server.url}/webhooks/messenger/greeter`);
    const other = fixture.lines.find((l) => l['botId'] === 'no-token' && Array.isArray(l['variables']) && String(l['variables']).includes('MESSENGER'));
    expect(other?.['variables']).toContain('MESSENGER_PAGE_ID_NO_TOKEN');
  });
});

describe('POST /webhooks/messenger/:botId', () => {
  it('runs a conversation: quick replies, then a button template answered by a postback', async () => {
    const user = '7100000000000001';
    expect(await post(m.text(PAGE, user, 'hi'))).toBe(200);
    const [menu] = await sentTo(user, 1);
    expect(menu!.payload['messaging_type']).toBe('RESPONSE');
    expect(message(menu!).quick_replies!.map((q) => q.title)).toEqual(['Coffee', 'Tea', 'Juice', 'Water']);
    expect(await post(m.quickReply(PAGE, user, 'tea', 'Tea'))).toBe(200);
    const [, confirm] = await sentTo(user, 2);
    const template = message(confirm!).attachment!;
    expect(template.type).toBe('template');
    expect(template.payload.text).toBe('tea, right?');
    expect(template.payload.buttons.map((b) => [b.type, b.title, b.payload])).toEqual([
      ['postback', 'Yes', 'yes'],
      ['postback', 'No', 'no'],
    ]);
    expect(await post(m.postback(PAGE, user, 'yes', 'Yes'))).toBe(200);
    const all = await sentTo(user, 3);
    expect(message(all[2]!).text).toBe('Coming right up: tea.');
    expect(all.every((c) => c.pageId === PAGE && (c.payload['recipient'] as { id: string }).id === user)).toBe(true);
  });

  it('refuses a bad or missing signature with 401 and changes nothing', async () => {
    const user = '7100000000000002';
    const { raw, signature } = signWebhook(m.text(PAGE, user, 'hi'), 'another-secret');
    const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: raw });
    expect(bad.status).toBe(401);
    const missing = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect(missing.status).toBe(401);
    expect(graph.messenger.calls.filter((c) => (c.payload['recipient'] as { id: string }).id === user)).toHaveLength(0);
  });

  it('refuses a body over 1 MB with 413, and a signed body that is not a page webhook with 400', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 32);
    const tooLarge = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook({}, APP_SECRET).signature }, body: big });
    expect(tooLarge.status).toBe(413);
    expect(await post({ object: 'whatsapp_business_account', entry: [] })).toBe(400);
    // Signature first: bytes that are not JSON are 401 unsigned, 400 once signed.
    const notJson = Buffer.from('{not json');
    const unsigned = await fetch(url, { method: 'POST', body: notJson });
    const signed = await fetch(url, { method: 'POST', headers: { 'x-hub-signature-256': signBody(notJson, APP_SECRET) }, body: notJson });
    expect([unsigned.status, signed.status]).toEqual([401, 400]);
  });

  it('answers a redelivered webhook once', async () => {
    const user = '7100000000000003';
    const body = m.text(PAGE, user, 'hi', { mid: 'm_TWICE' });
    expect(await post(body)).toBe(200);
    await sentTo(user, 1);
    expect(await post(body)).toBe(200);
    // A later message is answered after anything the duplicate could have sent.
    expect(await post(m.quickReply(PAGE, user, 'juice', 'Juice'))).toBe(200);
    const sent = await sentTo(user, 2);
    expect(sent).toHaveLength(2);
    expect(message(sent[1]!).attachment!.payload.text).toBe('juice, right?');
  });

  it('skips events for another page, echoes and deliveries', async () => {
    const user = '7100000000000004';
    expect(await post(m.text('5555555555', user, 'hi'))).toBe(200);
    expect(await post(m.echo(PAGE, user, 'What would you like?'))).toBe(200);
    expect(await post(m.delivery(PAGE, user, ['m_x']))).toBe(200);
    expect(await post(m.text(PAGE, user, 'hello'))).toBe(200);
    const sent = await sentTo(user, 1);
    // Had another event started the dialog, "hello" would have been a wrong answer to the menu.
    expect(sent.map((c) => message(c).quick_replies?.length)).toEqual([4]);
  });

  it('backs off after a 613 throttle, then delivers', async () => {
    const user = '7100000000000005';
    graph.fail({ endpoint: 'messenger', to: user, code: 613 });
    expect(await post(m.text(PAGE, user, 'hi'))).toBe(200);
    const sent = await sentTo(user, 1);
    expect(message(sent[0]!).quick_replies).toHaveLength(4);
    const tries = graph.messenger.calls.filter((c) => (c.payload['recipient'] as { id: string }).id === user);
    expect(tries.map((c) => c.status)).toEqual([400, 200]);
  });

  it("outside the window Graph refuses (10/2018278): not retried, and the dialog goes on once the user writes", async () => {
    const user = '7100000000000006';
    graph.messenger.windowClosed(user);
    expect(await post(m.text(PAGE, user, 'hi'))).toBe(200);
    for (let i = 0; i < 500 && graph.messenger.calls.filter((c) => (c.payload['recipient'] as { id: string }).id === user).length < 1; i++) await new Promise((r) => setTimeout(r, 10));
    graph.messenger.windowClosed(user, false);
    expect(await post(m.quickReply(PAGE, user, 'coffee', 'Coffee'))).toBe(200);
    const sent = await sentTo(user, 1);
    expect(message(sent[0]!).attachment!.payload.text).toBe('coffee, right?');
    const refused = graph.messenger.calls.filter((c) => (c.payload['recipient'] as { id: string }).id === user && c.status !== 200);
    expect(refused).toHaveLength(1);
  });
});
