import { describe, expect, it } from 'vitest';
import { parseWhatsAppWebhook, WhatsAppAdapter, type WhatsAppEvent } from '../../../../runtime/adapters/whatsapp/index.js';
import { whatsappUpdates as wa } from '../../../../runtime/testing/fake-graph-api.js';

const PHONE = '1234567890';
const USER = '4915112345678';

function events(body: unknown): readonly WhatsAppEvent[] {
  const parsed = parseWhatsAppWebhook(body);
  if (parsed.kind !== 'events') throw new Error(`expected events, got ${parsed.reason}`);
  return parsed.events;
}
const only = (body: unknown) => {
  const list = events(body);
  expect(list).toHaveLength(1);
  return list[0]!;
};

describe('parseWhatsAppWebhook: messages', () => {
  it('a text: chat id = wa_id, update id = wamid, the profile name as first_name', () => {
    expect(only(wa.text(PHONE, USER, 'hello', { id: 'wamid.A', name: 'Ana' }))).toEqual({
      phoneNumberId: PHONE,
      kind: 'update',
      update: { kind: 'message', updateId: 'wamid.A', chatId: USER, message: { text: 'hello', user: { id: USER, first_name: 'Ana' } } },
    });
  });

  it('a text longer than we may send (4096) is still taken', () => {
    expect(only(wa.text(PHONE, USER, 'y'.repeat(5000)))).toMatchObject({ update: { kind: 'message', message: { text: 'y'.repeat(5000) } } });
  });

  it('a reply button and a list row press their id', () => {
    expect(only(wa.buttonReply(PHONE, USER, 'yes', 'Yes please', { id: 'wamid.B' }))).toMatchObject({ update: { kind: 'message', updateId: 'wamid.B', message: { press: 'yes', text: 'Yes please' } } });
    expect(only(wa.listReply(PHONE, USER, 'row-7', 'Seven', { id: 'wamid.C' }))).toMatchObject({ update: { message: { press: 'row-7' } } });
  });

  it('media of every kind as IncomingFile with ref = media id', () => {
    const cases = [
      ['image', 'photo', undefined],
      ['document', 'document', 'report.pdf'],
      ['video', 'video', undefined],
      ['audio', 'audio', undefined],
    ] as const;
    for (const [type, kind, filename] of cases) {
      const e = only(wa.media(PHONE, USER, type, { id: 'MEDIA1', mime_type: 'x/y', sha256: 'abc', ...(filename ? { filename } : {}), caption: 'look' }));
      expect(e).toMatchObject({ update: { kind: 'message', message: { text: 'look', files: [{ kind, ref: 'MEDIA1', mime: 'x/y', sha256: 'abc', ...(filename ? { name: filename } : {}) }] } } });
    }
    expect(only(wa.media(PHONE, USER, 'audio', { id: 'V1', mime_type: 'audio/ogg', voice: true }))).toMatchObject({ update: { message: { files: [{ kind: 'voice', ref: 'V1' }] } } });
  });

  it('a location and a contact card', () => {
    expect(only(wa.location(PHONE, USER, 52.5, 13.4, { name: 'Office', address: 'Street 1' }))).toMatchObject({
      update: { message: { location: { kind: 'location', latitude: 52.5, longitude: 13.4, title: 'Office', address: 'Street 1' } } },
    });
    expect(only(wa.contact(PHONE, USER, { phone: '+49 30 1', first_name: 'Bo', last_name: 'Li', wa_id: '49301' }))).toMatchObject({
      update: { message: { contact: { kind: 'contact', phone: '+49 30 1', first_name: 'Bo', last_name: 'Li', user_id: '49301' } } },
    });
  });

  it('statuses of every kind, in any order, as status events', () => {
    const body = wa.statuses(PHONE, [
      { id: 'wamid.X', status: 'read', recipient_id: USER },
      { id: 'wamid.X', status: 'sent', recipient_id: USER },
      { id: 'wamid.X', status: 'failed', recipient_id: USER, errors: [{ code: 131047, title: 'Re-engagement message' }] },
      { id: 'wamid.X', status: 'delivered', recipient_id: USER },
    ]);
    expect(events(body).map((e) => (e.kind === 'status' ? e.status : e.kind))).toEqual(['read', 'sent', 'failed', 'delivered']);
    expect(events(body)[2]).toMatchObject({ kind: 'status', messageId: 'wamid.X', chatId: USER, phoneNumberId: PHONE, errors: [{ code: 131047 }] });
  });

  it('several messages in one body come out in order', () => {
    const a = wa.text(PHONE, USER, 'one', { id: 'w1' });
    const b = wa.text(PHONE, USER, 'two', { id: 'w2' });
    (a.entry[0]!.changes[0]!.value.messages as unknown[]).push(...(b.entry[0]!.changes[0]!.value.messages as unknown[]));
    expect(events(a).map((e) => (e.kind === 'update' && e.update.kind === 'message' ? e.update.updateId : '?'))).toEqual(['w1', 'w2']);
  });
});

describe('parseWhatsAppWebhook: hostile and foreign bodies', () => {
  it('invalid bodies never throw', () => {
    for (const body of [null, 42, 'x', [], { object: 'page', entry: [] }, { object: 'whatsapp_business_account' }, { object: 'whatsapp_business_account', entry: {} }]) {
      expect(parseWhatsAppWebhook(body).kind).toBe('invalid');
    }
  });

  it('broken messages are ignored with their id when known; broken entries are skipped', () => {
    const value = (messages: unknown[]) => ({ object: 'whatsapp_business_account', entry: [{ changes: [{ value: { metadata: { phone_number_id: PHONE }, messages } }] }] });
    const list = events(
      value([
        null,
        { id: 'w1', from: USER, type: 'text', text: { body: '' } },
        { id: 'w2', from: USER, type: 'text', text: { body: 'x'.repeat(70_000) } },
        { id: 'w3', from: USER, type: 'image', image: {} },
        { id: 'w4', from: USER, type: 'location', location: { latitude: 'a', longitude: 1 } },
        { id: 'w5', from: USER, type: 'reaction', reaction: {} },
        { id: 'w6', from: USER, type: 'interactive', interactive: { button_reply: { title: 'no id' } } },
        { from: USER, type: 'text', text: { body: 'no id' } },
        { id: 'w7', from: USER, type: 'contacts', contacts: [{ name: {} }] },
      ]),
    );
    expect(list.map((e) => (e.kind === 'update' ? [e.update.kind, e.update.kind === 'ignored' ? e.update.updateId : undefined] : 'status'))).toEqual([
      ['ignored', undefined],
      ['ignored', 'w1'],
      ['ignored', 'w2'],
      ['ignored', 'w3'],
      ['ignored', 'w4'],
      ['ignored', 'w5'],
      ['ignored', 'w6'],
      ['ignored', undefined],
      ['ignored', 'w7'],
    ]);
    expect(events({ object: 'whatsapp_business_account', entry: [null, { changes: 'x' }, { changes: [{ value: { messages: [] } }] }] })).toEqual([]);
  });

  it('an inherited property does not count as data', () => {
    const msg = Object.create({ id: 'w', from: USER, type: 'text' }) as object;
    expect(events({ object: 'whatsapp_business_account', entry: [{ changes: [{ value: { metadata: { phone_number_id: PHONE }, messages: [msg] } }] }] })[0]).toMatchObject({
      update: { kind: 'ignored' },
    });
  });
});

describe('WhatsAppAdapter.parseUpdate', () => {
  const adapter = new WhatsAppAdapter();
  it('gives the one message of a body, ignores statuses, refuses batches it cannot return whole', () => {
    expect(adapter.parseUpdate(wa.text(PHONE, USER, 'hi', { id: 'w1' }))).toMatchObject({ kind: 'message', updateId: 'w1' });
    expect(adapter.parseUpdate(wa.statuses(PHONE, [{ id: 'w', status: 'sent', recipient_id: USER }]))).toMatchObject({ kind: 'ignored' });
    expect(adapter.parseUpdate({})).toMatchObject({ kind: 'invalid' });
    const a = wa.text(PHONE, USER, 'one', { id: 'w1' });
    (a.entry[0]!.changes[0]!.value.messages as unknown[]).push({ id: 'w2', from: USER, type: 'text', text: { body: 'two' } });
    expect(adapter.parseUpdate(a)).toMatchObject({ kind: 'invalid' });
  });
});
