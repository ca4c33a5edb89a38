import { describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig, type ChannelId } from '../../../compiler/index.js';
import { channelView, partsMatch, readBack, readConversationTests, runConversationTest } from '../../../runtime/testing/index.js';
import { scenario } from '../../support/scenario-text.js';

const CHANNELS: readonly ChannelId[] = ['telegram', 'webchat', 'whatsapp', 'messenger'];
const options = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `Option ${i + 1}`, value: `o${i + 1}` }));
const titles = (n: number) => options(n).map((b) => b.text);
const LONG = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');

/** Four buttons, then twelve, then a text too long for one WhatsApp or Messenger message. */
const config = emitMachineConfig(
  compileScenario(
    scenario({
      four: { message: { text: 'Pick one of four' }, buttons: options(4), expected_input: { type: 'button', variable: 'a' }, next_step: 'twelve' },
      twelve: { message: { text: 'Pick one of twelve' }, buttons: options(12), expected_input: { type: 'button', variable: 'b', error_message: 'Pick one, please' }, next_step: 'long' },
      long: { message: { text: LONG }, next_step: 'done' },
      done: { message: { text: 'You chose {{a}} and {{b}}' } },
    }),
    { file: 'channels.json' },
  ).ir!,
);

const run = (turns: unknown[], channel?: ChannelId) => runConversationTest(config, readConversationTests({ name: 't', turns }).tests[0]!, channel ? { channel } : {});

const whole = [
  { user: 'hi' },
  { bot: 'Pick one of four', buttons: titles(4) },
  { press: 'o2' },
  { bot: 'Pick one of twelve', buttons: titles(12) },
  { press: 'o11' },
  { bot: LONG },
  { bot: 'You chose o2 and o11', ended: true },
];

describe('conversation tests on a channel', () => {
  it('pass alike on every channel: a list, a numbered menu pressed by number, a text in parts', async () => {
    for (const channel of CHANNELS) expect(await run(whole, channel), channel).toEqual({ name: 't', passed: true });
    expect(await run(whole)).toEqual({ name: 't', passed: true });
  });

  it('type the number of a numbered menu where the channel shows one, and nowhere else', async () => {
    const typed = [...whole.slice(0, 4), { user: '11' }, { bot: LONG }, { bot: 'You chose o2 and o11' }];
    expect((await run(typed, 'whatsapp')).failure).toBeUndefined();
    for (const channel of ['telegram', 'messenger', 'webchat'] as const) {
      const { failure } = await run(typed, channel);
      expect(failure?.turn, channel).toBe(6);
      expect(failure?.actual, channel).toMatch(/^bot "Pick one, please" with buttons /);
    }
    expect((await run(typed)).failure?.turn).toBe(6);
  });

  it('a divergence shows what the channel user saw', async () => {
    const wrong = [...whole.slice(0, 3), { bot: 'Pick one of twelve', buttons: titles(11) }];
    expect((await run(wrong, 'whatsapp')).failure).toEqual({
      turn: 4,
      expected: `bot "Pick one of twelve" with buttons ${JSON.stringify(titles(11))}`,
      actual: `bot "Pick one of twelve" with a numbered menu ${JSON.stringify(titles(12))} on whatsapp`,
    });
    const parts = (await run([...whole.slice(0, 5), { bot: 'short' }], 'messenger')).failure!.actual;
    expect(parts).toMatch(/^bot \[.*\] \(in 3 messages\)$/);
  });

  it('a pattern sees the parts of a split text joined by line breaks', async () => {
    const pattern = [...whole.slice(0, 5), { bot_matches: '^word0 .* word262\\nword263 .* word512\\nword513 ' }, { bot: 'You chose o2 and o11' }];
    const passed = await run(pattern, 'messenger');
    expect(passed.failure).toBeUndefined();
    expect((await run(pattern, 'webchat')).passed).toBe(false);
  });
});

describe('reading a channel view back', () => {
  it('takes a numbered menu off the text, even when a cut falls inside it', () => {
    const buttons = options(12);
    expect(readBack(channelView('whatsapp', 'Pick', buttons), 12)).toEqual({ parts: ['Pick'], titles: titles(12) });
    expect(readBack(channelView('whatsapp', '', buttons), 12)).toEqual({ parts: [''], titles: titles(12) });
    const cut = readBack({ menu: true, messages: [{ text: 'Pick\n\n1. Option 1' }, { text: '2. Option 2' }] }, 2);
    expect(cut).toEqual({ parts: ['Pick'], titles: ['Option 1', 'Option 2'] });
    expect(readBack({ menu: true, messages: [{ text: 'Pick\n\n1. Option 1\n3. Option 2' }] }, 2).titles).toEqual(['Option 1', '(not a menu line: 3. Option 2)']);
  });

  it('matches a text sent in parts with the white space at each cut left out', () => {
    expect(partsMatch('a b\n\nc', ['a b', 'c'])).toBe(true);
    expect(partsMatch('a b\n\nc', ['a', 'b', 'c'])).toBe(true);
    expect(partsMatch('abc', ['ab', 'c'])).toBe(true);
    expect(partsMatch('a b c', ['a b'])).toBe(false);
    expect(partsMatch('a b', ['a', 'c'])).toBe(false);
    expect(partsMatch('a', ['a'])).toBe(true);
  });
});
