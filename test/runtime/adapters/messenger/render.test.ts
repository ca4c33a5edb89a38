import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buttonLayout, CHANNELS } from '../../../../compiler/index.js';
import { MESSENGER_LIMITS, messengerLayout, renderMessenger, splitMessenger, type MessengerMessage } from '../../../../runtime/adapters/messenger/index.js';
import { messengerPayloadProblem } from '../../../../runtime/testing/fake-graph-api.js';
import { fcOptions as FC } from '../../../support/fc-settings.js';

const buttons = (n: number, title = (i: number) => `Option ${i + 1}`) => Array.from({ length: n }, (_, i) => ({ text: title(i), value: `v${i + 1}` }));
/** Every rendered message as the Send API would take it. */
const accepted = (messages: MessengerMessage[]) => messages.map((message) => messengerPayloadProblem({ recipient: { id: '1' }, messaging_type: 'RESPONSE', message }));

describe('renderMessenger', () => {
  it('shows 1-3 buttons under a short text as a button template of postbacks', () => {
    const [m] = renderMessenger({ text: 'Pick one', buttons: buttons(3) });
    expect(m).toEqual({ attachment: { type: 'template', payload: { template_type: 'button', text: 'Pick one', buttons: buttons(3).map((b) => ({ type: 'postback', title: b.text, payload: b.value })) } } });
  });

  it('shows 4-13 buttons, or 1-3 under a text longer than 640, as quick replies', () => {
    const [four] = renderMessenger({ text: 'Pick one', buttons: buttons(4) });
    expect(four).toEqual({ text: 'Pick one', quick_replies: buttons(4).map((b) => ({ content_type: 'text', title: b.text, payload: b.value })) });
    expect(renderMessenger({ text: 'x'.repeat(641), buttons: buttons(2) })[0]).toHaveProperty('quick_replies');
    expect(renderMessenger({ text: 'x', buttons: buttons(13) })[0]!['quick_replies']).toHaveLength(13);
  });

  it('writes 14 buttons, a title over 20 characters or a payload over 1000 bytes as a numbered menu', () => {
    expect(renderMessenger({ text: 'Pick', buttons: buttons(14) })[0]).toEqual({ text: `Pick\n\n${buttons(14).map((b, i) => `${i + 1}. ${b.text}`).join('\n')}` });
    expect(messengerLayout('Pick', buttons(2, () => 'x'.repeat(21)))).toBe('menu');
    expect(messengerLayout('Pick', [{ text: 'A', value: 'é'.repeat(501) }])).toBe('menu');
    expect(messengerLayout('Pick', [{ text: 'A', value: 'é'.repeat(500) }])).toBe('template');
  });

  it('agrees with the checker: native buttons exactly when the channel table says they fit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 24 }), (n, width) => {
        const bs = buttons(n, (i) => `${i}`.padEnd(width, 'x'));
        const checker = buttonLayout('messenger', bs.map((b) => b.text)).layout;
        expect(messengerLayout('Pick', bs) === 'menu').toBe(checker === 'numbered-menu');
      }),
      FC,
    );
    expect(MESSENGER_LIMITS.text).toBe(CHANNELS.messenger.maxText);
    expect(MESSENGER_LIMITS.payloadBytes).toBe(CHANNELS.messenger.maxPayloadBytes);
  });

  it('splits long texts into parts of at most 2000 characters, buttons on the last', () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i} of a long text`).join('\n');
    const parts = splitMessenger({ text, buttons: buttons(2) });
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.every((p) => p.text.length <= 2000)).toBe(true);
    expect(parts.slice(0, -1).every((p) => p.buttons.length === 0)).toBe(true);
    expect(parts.at(-1)!.buttons).toHaveLength(2);
    expect(parts.map((p) => p.text).join('\n')).toBe(text);
  });

  it('keeps the window facts on every part, so each part is sent as the whole would be', () => {
    const text = 'word '.repeat(1000);
    const parts = splitMessenger({ text, buttons: buttons(20), lastInboundAt: 5, outsideWindow: { tag: 'ACCOUNT_UPDATE' } });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.lastInboundAt === 5 && p.outsideWindow?.tag === 'ACCOUNT_UPDATE')).toBe(true);
    const withButtons = splitMessenger({ text, buttons: buttons(2), lastInboundAt: 5 });
    expect(withButtons.every((p) => p.lastInboundAt === 5)).toBe(true);
  });

  it('sends a file first and its text after it; buttons alone ride on the file as quick replies', () => {
    const media = { type: 'image' as const, source: { url: 'https://example.com/a.jpg' } };
    expect(renderMessenger({ text: 'A cat', buttons: [], media }, { url: 'https://example.com/a.jpg' })).toEqual([
      { attachment: { type: 'image', payload: { url: 'https://example.com/a.jpg', is_reusable: true } } },
      { text: 'A cat' },
    ]);
    const doc = { type: 'document' as const, source: { url: 'https://example.com/a.pdf' } };
    expect(renderMessenger({ text: '', buttons: buttons(2), media: doc }, { attachmentId: '42' })).toEqual([
      { attachment: { type: 'file', payload: { attachment_id: '42' } }, quick_replies: buttons(2).map((b) => ({ content_type: 'text', title: b.text, payload: b.value })) },
    ]);
  });

  it('sends a location and a contact as text', () => {
    const [loc] = renderMessenger({ text: '', buttons: [], media: { kind: 'location', latitude: 1.5, longitude: 2.5, title: 'Cafe' } });
    expect(loc!['text']).toBe('Cafe\nhttps://www.google.com/maps/search/?api=1&query=1.5,2.5');
    const [card] = renderMessenger({ text: 'Call her', buttons: [], media: { kind: 'contact', phone: '+15551234', first_name: 'Ada', last_name: 'L' } });
    expect(card!['text']).toBe('Ada L: +15551234\n\nCall her');
  });

  it('only makes messages the Send API accepts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), fc.array(fc.record({ text: fc.string({ minLength: 1, maxLength: 30 }), value: fc.string({ minLength: 1, maxLength: 40 }) }), { maxLength: 15 }), (text, bs) => {
        expect(accepted(renderMessenger({ text: text === '' && bs.length === 0 ? 'x' : text, buttons: bs })).filter(Boolean)).toEqual([]);
      }),
      FC,
    );
  });
});
