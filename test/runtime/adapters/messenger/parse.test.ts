import { describe, expect, it } from 'vitest';
import { parseMessengerWebhook } from '../../../../runtime/adapters/messenger/index.js';
import { messengerUpdates as m } from '../../../../runtime/testing/fake-graph-api.js';

const PAGE = '1122334455';
const USER = '9988776655';

const one = (body: unknown) => {
  const parsed = parseMessengerWebhook(body);
  if (parsed.kind !== 'events') throw new Error(`invalid: ${parsed.reason}`);
  expect(parsed.events).toHaveLength(1);
  expect(parsed.events[0]!.pageId).toBe(PAGE);
  return parsed.events[0]!.update;
};

describe('parseMessengerWebhook', () => {
  it('reads a text message: the PSID is the chat, the mid the update id', () => {
    expect(one(m.text(PAGE, USER, 'hello', { mid: 'm_1' }))).toEqual({ kind: 'message', updateId: 'm_1', chatId: USER, message: { text: 'hello', user: { id: USER } } });
  });

  it('reads a quick reply as a press of its payload, with its title as text', () => {
    expect(one(m.quickReply(PAGE, USER, 'drinks', 'Drinks', { mid: 'm_2' }))).toMatchObject({ updateId: 'm_2', message: { press: 'drinks', text: 'Drinks' } });
  });

  it('reads a postback as a press, deduplicated by its mid or else by sender and timestamp', () => {
    expect(one(m.postback(PAGE, USER, 'more_info', 'Tell me more', { mid: 'm_3' }))).toMatchObject({ kind: 'message', updateId: 'm_3', chatId: USER, message: { press: 'more_info' } });
    const old = m.postback(PAGE, USER, 'end', 'Goodbye', { timestamp: 1_700_000_000_123 });
    delete (old.entry[0]!.messaging[0]!['postback'] as Record<string, unknown>)['mid'];
    expect(one(old)).toMatchObject({ updateId: `postback:${USER}:1700000000123`, message: { press: 'end' } });
  });

  it('reads attachments as files with their URL as the reference, and a location', () => {
    const update = one(m.attachments(PAGE, USER, [{ type: 'image', url: 'https://cdn.example/a.jpg' }, { type: 'file', url: 'https://cdn.example/b.pdf' }, { type: 'audio', url: 'https://cdn.example/c.mp4' }]));
    expect(update).toMatchObject({ kind: 'message', message: { files: [{ kind: 'photo', ref: 'https://cdn.example/a.jpg' }, { kind: 'document', ref: 'https://cdn.example/b.pdf' }, { kind: 'audio', ref: 'https://cdn.example/c.mp4' }] } });
    expect(one(m.location(PAGE, USER, 48.85, 2.35))).toMatchObject({ message: { location: { kind: 'location', latitude: 48.85, longitude: 2.35 } } });
  });

  it('ignores echoes, deliveries, reads and attachments of no handled type', () => {
    expect(one(m.echo(PAGE, USER, 'sent by the page', { mid: 'm_echo' }))).toEqual({ kind: 'ignored', updateId: 'm_echo', reason: expect.any(String) });
    expect(one(m.delivery(PAGE, USER, ['m_x'])).kind).toBe('ignored');
    expect(one(m.read(PAGE, USER)).kind).toBe('ignored');
    const shared = m.text(PAGE, USER, 'x');
    shared.entry[0]!.messaging[0]!['message'] = { mid: 'm_f', attachments: [{ type: 'fallback', payload: { url: 'https://example.com' } }] };
    expect(one(shared)).toMatchObject({ kind: 'ignored', updateId: 'm_f' });
  });

  it('refuses what is not a page webhook, and survives hostile shapes', () => {
    expect(parseMessengerWebhook({ object: 'whatsapp_business_account', entry: [] }).kind).toBe('invalid');
    expect(parseMessengerWebhook([]).kind).toBe('invalid');
    expect(parseMessengerWebhook({ object: 'page', entry: {} }).kind).toBe('invalid');
    const hostile = { object: 'page', entry: [null, { id: PAGE, messaging: [7, { sender: {}, message: { mid: 'm' } }, { sender: { id: USER }, message: { text: 'no mid' } }, { sender: { id: USER }, message: { mid: 'm9', quick_reply: { payload: 'x'.repeat(1001) } } }] }] };
    const parsed = parseMessengerWebhook(JSON.parse(JSON.stringify(hostile)));
    expect(parsed.kind === 'events' && parsed.events.map((e) => e.update.kind)).toEqual(['ignored', 'ignored', 'ignored', 'ignored']);
  });

  it('keeps the page of each entry, so events of another page can be told apart', () => {
    const a = m.text(PAGE, USER, 'a');
    const b = m.text('5555', USER, 'b');
    const parsed = parseMessengerWebhook({ object: 'page', entry: [...a.entry, ...b.entry] });
    expect(parsed.kind === 'events' && parsed.events.map((e) => e.pageId)).toEqual([PAGE, '5555']);
  });
});
