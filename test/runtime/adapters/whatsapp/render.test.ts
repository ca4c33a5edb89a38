import { describe, expect, it } from 'vitest';
import { buttonLayout, renderWhatsApp, splitWhatsApp, WHATSAPP_LIMITS } from '../../../../runtime/adapters/whatsapp/index.js';
import { graphPayloadProblem } from '../../../../runtime/testing/fake-graph-api.js';

const buttons = (n: number, title = (i: number) => `Option ${i + 1}`) => Array.from({ length: n }, (_, i) => ({ text: title(i), value: `v${i + 1}` }));
/** Every payload as Graph checks it (the fake's validator), with the send's envelope. */
const accepted = (payloads: readonly Record<string, unknown>[]) => payloads.map((p) => graphPayloadProblem({ messaging_product: 'whatsapp', to: '1', ...p }));

describe('renderWhatsApp: buttons', () => {
  it('1 and 3 buttons: interactive reply buttons', () => {
    for (const n of [1, 3]) {
      const out = renderWhatsApp({ text: 'Pick', buttons: buttons(n) });
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' } } });
      expect((out[0] as unknown as { interactive: { action: { buttons: unknown[] } } }).interactive.action.buttons).toHaveLength(n);
      expect(accepted(out)).toEqual([undefined]);
    }
  });

  it('4 and 10 buttons: an interactive list', () => {
    for (const n of [4, 10]) {
      const out = renderWhatsApp({ text: 'Pick', buttons: buttons(n) });
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ type: 'interactive', interactive: { type: 'list' } });
      expect((out[0] as unknown as { interactive: { action: { sections: { rows: { id: string }[] }[] } } }).interactive.action.sections[0]!.rows.map((r) => r.id)).toEqual(buttons(n).map((b) => b.value));
      expect(accepted(out)).toEqual([undefined]);
    }
  });

  it('11 buttons: a numbered text menu', () => {
    const out = renderWhatsApp({ text: 'Pick', buttons: buttons(11) });
    expect(out).toEqual([{ type: 'text', text: { body: `Pick\n\n${buttons(11).map((b, i) => `${i + 1}. ${b.text}`).join('\n')}`, preview_url: false } }]);
  });

  it('titles too long for buttons go to a list; too long for rows, to a menu; never truncated', () => {
    expect(buttonLayout(buttons(2, () => 'x'.repeat(WHATSAPP_LIMITS.buttonTitle)))).toBe('buttons');
    expect(buttonLayout(buttons(2, () => 'x'.repeat(WHATSAPP_LIMITS.buttonTitle + 1)))).toBe('list');
    expect(buttonLayout(buttons(2, () => 'x'.repeat(WHATSAPP_LIMITS.rowTitle + 1)))).toBe('menu');
    const long = 'A title far longer than any row';
    const out = renderWhatsApp({ text: 'Pick', buttons: [{ text: long, value: 'a' }] });
    expect(out[0]).toMatchObject({ type: 'text' });
    expect(JSON.stringify(out)).toContain(long);
  });

  it('a value over 256 characters or repeated values go to a menu', () => {
    expect(buttonLayout([{ text: 'a', value: 'x'.repeat(257) }])).toBe('menu');
    expect(buttonLayout([{ text: 'a', value: 'x' }, { text: 'b', value: 'x' }])).toBe('menu');
  });
});

describe('renderWhatsApp: text', () => {
  it('a text over 4096 characters is split; every part within the limit', () => {
    const text = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
    expect(text.length).toBeGreaterThan(4096);
    const out = renderWhatsApp({ text, buttons: [] });
    expect(out.length).toBeGreaterThan(1);
    expect(accepted(out).every((p) => p === undefined)).toBe(true);
    expect(out.map((p) => (p as unknown as { text: { body: string } }).text.body).join(' ')).toBe(text);
  });

  it('buttons under a text longer than a body (1024): earlier parts as text, the last as the body', () => {
    const text = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    expect(text.length).toBeGreaterThan(1024);
    const out = renderWhatsApp({ text, buttons: buttons(2) });
    expect(out.at(-1)).toMatchObject({ type: 'interactive' });
    expect(out.slice(0, -1).every((p) => p.type === 'text')).toBe(true);
    expect(accepted(out).every((p) => p === undefined)).toBe(true);
  });

  it('buttons without text still carry a body', () => {
    expect(accepted(renderWhatsApp({ text: '', buttons: buttons(2) }))).toEqual([undefined]);
  });
});

describe('renderWhatsApp: media', () => {
  it('a file by link or id, with its caption; a caption over 1024 goes first as text', () => {
    const image = { type: 'image', source: { url: 'https://example.com/a.png' } } as const;
    expect(renderWhatsApp({ text: 'cap', buttons: [], media: image }, { link: 'https://example.com/a.png' })).toEqual([{ type: 'image', image: { link: 'https://example.com/a.png', caption: 'cap' } }]);
    expect(renderWhatsApp({ text: '', buttons: [], media: image }, { id: '77' })).toEqual([{ type: 'image', image: { id: '77' } }]);
    const long = renderWhatsApp({ text: 'c'.repeat(1100), buttons: [], media: image }, { id: '77' });
    expect(long.map((p) => p.type)).toEqual(['text', 'image']);
    expect(accepted(long)).toEqual([undefined, undefined]);
  });

  it('audio takes no caption; buttons with a medium follow it', () => {
    const out = renderWhatsApp({ text: 'listen', buttons: buttons(2), media: { type: 'audio', source: { url: 'https://e/a.ogg' } } }, { id: '5' });
    expect(out.map((p) => p.type)).toEqual(['text', 'audio', 'interactive']);
    expect(accepted(out)).toEqual([undefined, undefined, undefined]);
  });

  it('location and contact', () => {
    const loc = renderWhatsApp({ text: '', buttons: [], media: { kind: 'location', latitude: 1, longitude: 2, title: 'Here' } });
    expect(loc).toEqual([{ type: 'location', location: { latitude: 1, longitude: 2, name: 'Here' } }]);
    const contact = renderWhatsApp({ text: 'Call her', buttons: [], media: { kind: 'contact', phone: '+1 555', first_name: 'Ann' } });
    expect(contact.map((p) => p.type)).toEqual(['contacts', 'text']);
    expect(accepted([...loc, ...contact])).toEqual([undefined, undefined, undefined]);
  });
});

describe('splitWhatsApp', () => {
  const long = Array.from({ length: 1200 }, (_, i) => `w${i}`).join(' ');
  it.each([
    ['no buttons', []],
    ['2 buttons', buttons(2)],
    ['6 buttons', buttons(6)],
    ['12 buttons', buttons(12)],
  ] as const)('%s: each part is one payload, and the parts render as the whole does', (_name, bs) => {
    for (const text of ['short', long]) {
      const whole = { text, buttons: bs };
      const parts = splitWhatsApp(whole);
      expect(parts.map((p) => renderWhatsApp(p).length)).toEqual(parts.map(() => 1));
      expect(parts.flatMap((p) => renderWhatsApp(p))).toEqual(renderWhatsApp(whole));
      expect(parts.slice(0, -1).every((p) => p.buttons.length === 0)).toBe(true);
    }
  });
});
