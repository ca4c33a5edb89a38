import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraphApi, postWebhook, signWebhook, whatsappUpdates } from '../../../runtime/testing/fake-graph-api.js';
import { serverFixture, type ServerFixture } from '../../support/server-fixture.js';

const PHONE_ID = '1098765432';
const ACCESS = 'EAAGfakeAccessToken';
const APP_SECRET = 'app-secret-for-tests';
const VERIFY = 'verify-me';
const USER = '15551234567';

let fixture: ServerFixture;
let graph: FakeGraphApi;
let url: string;

/** Waits until the fake Graph API has accepted `count` sends to the user (replies go out after the 200). */
async function sentTo(to: string, count: number) {
  for (let i = 0; i < 500 && graph.sent(to).length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return graph.sent(to);
}

beforeAll(async () => {
  graph = await FakeGraphApi.start();
  graph.addNumber(PHONE_ID, ACCESS);
  fixture = await serverFixture({
    WHATSAPP_API_ROOT: graph.url,
    WHATSAPP_TOKEN_GREETER: ACCESS,
    WHATSAPP_APP_SECRET_GREETER: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN_GREETER: VERIFY,
    WHATSAPP_PHONE_NUMBER_ID_GREETER: PHONE_ID,
  });
  url = `${fixture.server.url}/webhooks/whatsapp/greeter`;
});

afterAll(async () => {
  await fixture?.close();
  await graph?.close();
});

describe('GET /webhooks/whatsapp/:botId (subscription)', () => {
  it('echoes the challenge when the verify token matches', async () => {
    const res = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=12345`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('12345');
  });

  it('is 403 with a wrong verify token', async () => {
    const res = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=12345`);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('12345');
  });

  it('is 404 for a bot without WhatsApp credentials', async () => {
    const res = await fetch(`${fixture.server.url}/webhooks/whatsapp/no-token?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1`);
    expect(res.status).toBe(404);
  });
});

describe('the startup log', () => {
  it('gives the callback URL of a bot on WhatsApp, and the variables of one that is not', () => {
    const greeter = fixture.lines.find((l) => l['botId'] === 'greeter' && typeof l['webhook'] === 'string' && String(l['webhook']).includes('/whatsapp/'));
    expect(greeter?.['webhook']).toBe(`${fixture.server.url}/webhooks/whatsapp/greeter`);
    const other = fixture.lines.find((l) => l['botId'] === 'no-token' && Array.isArray(l['variables']));
    expect(other?.['variables']).toContain('WHATSAPP_PHONE_NUMBER_ID_NO_TOKEN');
  });
});

describe('POST /webhooks/whatsapp/:botId', () => {
  it('runs the first turns and replies through the Graph API, buttons as interactive buttons', async () => {
    const user = '15550000001';
    expect(await postWebhook(url, whatsappUpdates.text(PHONE_ID, user, 'hi'), APP_SECRET)).toBe(200);
    const first = await sentTo(user, 2);
    expect(first.map((c) => (c.payload['text'] as { body: string }).body)).toEqual(['Welcome to our bot!', "What's your name?"]);
    expect(await postWebhook(url, whatsappUpdates.text(PHONE_ID, user, 'Ada'), APP_SECRET)).toBe(200);
    const all = await sentTo(user, 3);
    const greet = all[2]!.payload;
    expect(greet['type']).toBe('interactive');
    const interactive = greet['interactive'] as { type: string; body: { text: string }; action: { buttons: { reply: { title: string } }[] } };
    expect(interactive.type).toBe('button');
    expect(interactive.body.text).toBe('Nice to meet you, Ada!');
    expect(interactive.action.buttons.map((b) => b.reply.title)).toEqual(['Tell me more', 'Goodbye']);
    expect(all.every((c) => c.phoneNumberId === PHONE_ID)).toBe(true);
  });

  it('refuses a bad or missing signature with 401 and changes nothing', async () => {
    const user = '15550000002';
    const body = whatsappUpdates.text(PHONE_ID, user, 'hi');
    const { raw } = signWebhook(body, 'another-secret');
    const wrong = signWebhook(body, 'another-secret').signature;
    const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': wrong }, body: raw });
    expect(bad.status).toBe(401);
    const missing = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect(missing.status).toBe(401);
    // A later signed message starts the dialog from its beginning: the refused ones did not.
    expect(await postWebhook(url, whatsappUpdates.text(PHONE_ID, user, 'hello'), APP_SECRET)).toBe(200);
    const sent = await sentTo(user, 2);
    expect(sent.map((c) => (c.payload['text'] as { body: string }).body)).toEqual(['Welcome to our bot!', "What's your name?"]);
  });

  it('answers a message delivered twice once', async () => {
    const user = '15550000003';
    const body = whatsappUpdates.text(PHONE_ID, user, 'hi', { id: 'wamid.TWICE' });
    expect(await postWebhook(url, body, APP_SECRET)).toBe(200);
    await sentTo(user, 2);
    expect(await postWebhook(url, body, APP_SECRET)).toBe(200);
    // A later message is answered after anything the duplicate could have sent.
    expect(await postWebhook(url, whatsappUpdates.text(PHONE_ID, user, 'Bo'), APP_SECRET)).toBe(200);
    const sent = await sentTo(user, 3);
    expect(sent).toHaveLength(3);
    expect((sent[2]!.payload['interactive'] as { body: { text: string } }).body.text).toBe('Nice to meet you, Bo!');
  });

  it('hands each message of a batched body to its own dialog', async () => {
    const a = whatsappUpdates.text(PHONE_ID, '15550000004', 'hi');
    const b = whatsappUpdates.text(PHONE_ID, '15550000005', 'hi');
    const value = a.entry[0]!.changes[0]!.value;
    const other = b.entry[0]!.changes[0]!.value;
    value.messages = [...value.messages!, ...other.messages!];
    value.contacts = [...value.contacts!, ...other.contacts!];
    value.statuses = [{ id: 'wamid.OUT2', status: 'read', recipient_id: USER, timestamp: '1700000000' }];
    expect(await postWebhook(url, a, APP_SECRET)).toBe(200);
    expect(await sentTo('15550000004', 2)).toHaveLength(2);
    expect(await sentTo('15550000005', 2)).toHaveLength(2);
  });

  it('skips a message sent to another number of the business account', async () => {
    const user = '15550000006';
    expect(await postWebhook(url, whatsappUpdates.text('2000000000', user, 'hi'), APP_SECRET)).toBe(200);
    expect(await postWebhook(url, whatsappUpdates.text(PHONE_ID, user, 'hello'), APP_SECRET)).toBe(200);
    // Had the first started the dialog, the second would be its name.
    const sent = await sentTo(user, 2);
    expect(sent.map((c) => (c.payload['text'] as { body: string }).body)).toEqual(['Welcome to our bot!', "What's your name?"]);
  });

  it('takes a status callback with 200', async () => {
    const status = await postWebhook(url, whatsappUpdates.statuses(PHONE_ID, [{ id: 'wamid.OUT1', status: 'delivered', recipient_id: USER }]), APP_SECRET);
    expect(status).toBe(200);
  });
});
