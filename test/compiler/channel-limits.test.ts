// Every limit of every channel in the table, at the limit and one past it: the checker says what the channel's adapter
// does (or nothing, where the channel has no such limit). Built from CHANNELS, so a changed number is tested as it is.
import { describe, expect, it } from 'vitest';
import { CHANNEL_IDS, CHANNELS, compileScenario, type ChannelId, type Diagnostic, type OutMediaKind } from '../../compiler/index.js';
import { MEDIA_INPUT_KINDS } from '../../compiler/semantics/media.js';
import { scenario } from '../support/scenario-text.js';

const codesOn = (text: string, channel: ChannelId): string[] =>
  compileScenario(text, { file: 'bot.json', channels: [channel] }).diagnostics.map((d: Diagnostic) => `${d.severity} ${d.code}`);
const channelCodes = (text: string, channel: ChannelId) => codesOn(text, channel).filter((c) => c.includes(' CHANNEL_'));

const buttons = (count: number, title = (i: number) => `B${i}`, value = (i: number) => `v${i}`) => Array.from({ length: count }, (_, i) => ({ text: title(i), value: value(i) }));
const step = (fields: Record<string, unknown>) => scenario({ a: { message: { text: 'Hello' }, ...fields } });
const withButtons = (list: unknown[], text = 'Pick') => scenario({ a: { message: { text }, buttons: list, expected_input: { type: 'button', variable: 'x' } } });
const words = (n: number): string => 'abcd '.repeat(Math.ceil(n / 5)).slice(0, n - 1) + 'z';

const MEDIA: Readonly<Record<OutMediaKind, unknown>> = {
  image: { image: 'https://example.com/a.png' },
  video: { video: 'https://example.com/a.mp4' },
  audio: { audio: 'https://example.com/a.mp3' },
  document: { document: 'https://example.com/a.pdf' },
  location: { location: { latitude: 52.5, longitude: 13.4 } },
  contact: { contact: { phone: '+15550001', first_name: 'Ann' } },
};

describe.each(CHANNEL_IDS)('the limits of %s', (channel) => {
  const caps = CHANNELS[channel];
  const tiers = caps.buttonTiers;

  it('buttons: each layout holds its count; one more goes to the next layout, past the last a numbered menu', () => {
    for (const [i, tier] of tiers.entries()) {
      if (!Number.isFinite(tier.maxCount)) {
        expect(channelCodes(withButtons(buttons(300)), channel)).toEqual([]);
        continue;
      }
      const at = channelCodes(withButtons(buttons(tier.maxCount)), channel);
      expect(at, `${tier.maxCount} buttons`).toEqual(i === 0 ? [] : ['warning CHANNEL_TOO_MANY_BUTTONS']);
      const past = channelCodes(withButtons(buttons(tier.maxCount + 1)), channel);
      expect(past, `${tier.maxCount + 1} buttons`).toEqual(['warning CHANNEL_TOO_MANY_BUTTONS']);
    }
  });

  it('button titles: at the layout limit as they are; one longer warned at the title', () => {
    for (const tier of tiers) {
      const count = Number.isFinite(tier.maxCount) ? tier.maxCount : 5;
      if (tier.maxTitle === undefined) {
        expect(channelCodes(withButtons(buttons(count, () => 'T'.repeat(300))), channel)).toEqual([]);
        continue;
      }
      const titled = (length: number) => withButtons(buttons(count, (i) => (i === 0 ? 'T'.repeat(length) : `B${i}`)));
      expect(channelCodes(titled(tier.maxTitle), channel).filter((c) => c.endsWith('TITLE_TOO_LONG'))).toEqual([]);
      expect(channelCodes(titled(tier.maxTitle + 1), channel).filter((c) => c.endsWith('TITLE_TOO_LONG'))).toEqual(['warning CHANNEL_BUTTON_TITLE_TOO_LONG']);
    }
  });

  it('text: at the limit in one message; one longer is split (Telegram: its own MESSAGE_TOO_LONG)', () => {
    const limits: [number | undefined, (text: string) => string][] = [[caps.maxText, (t) => step({ message: { text: t } })]];
    for (const tier of tiers) if (tier.maxText !== undefined) limits.push([tier.maxText, (t) => withButtons(buttons(tier.maxCount), t)]);
    for (const [limit, build] of limits) {
      if (limit === undefined) {
        // The Telegram codes are reported for every scenario; no channel code joins them here.
        expect(channelCodes(build(words(20_000)), channel)).toEqual([]);
        continue;
      }
      const code = channel === 'telegram' ? 'MESSAGE_TOO_LONG' : 'CHANNEL_TEXT_SPLIT';
      expect(codesOn(build(words(limit)), channel).filter((c) => c.endsWith(code))).toEqual([]);
      expect(codesOn(build(words(limit + 1)), channel).filter((c) => c.endsWith(code))).toEqual([`warning ${code}`]);
    }
  });

  it('caption: at the limit on the file; one longer (any, where files take none) sent after it', () => {
    const captioned = (caption: string) => step({ media: [{ image: 'https://example.com/a.png', caption }] });
    const found = (text: string) => channelCodes(text, channel).filter((c) => c.endsWith('CAPTION_SEPARATE'));
    if (caps.maxCaption === undefined) return expect(found(captioned(words(5000)))).toEqual([]);
    if (caps.maxCaption > 0) expect(found(captioned(words(caps.maxCaption)))).toEqual([]);
    expect(found(captioned(words(caps.maxCaption + 1)))).toEqual(['warning CHANNEL_CAPTION_SEPARATE']);
  });

  it('button values: at the payload bytes carried; one byte more an error (Telegram: CALLBACK_DATA_TOO_LONG)', () => {
    const valued = (bytes: number) => withButtons(buttons(1, () => 'Yes', () => 'é'.repeat(Math.floor(bytes / 2)) + 'x'.repeat(bytes % 2)));
    const code = channel === 'telegram' ? 'CALLBACK_DATA_TOO_LONG' : 'CHANNEL_PAYLOAD_TOO_LONG';
    const found = (text: string) => codesOn(text, channel).filter((c) => c.endsWith(code));
    if (caps.maxPayloadBytes === undefined) return expect(channelCodes(valued(5000), channel)).toEqual([]);
    expect(found(valued(caps.maxPayloadBytes))).toEqual([]);
    expect(found(valued(caps.maxPayloadBytes + 1))).toEqual([`error ${code}`]);
  });

  it.each(Object.keys(MEDIA) as OutMediaKind[])('sends %s as such, or as text', (kind) => {
    const found = channelCodes(step({ media: [MEDIA[kind]] }), channel).filter((c) => c.endsWith('MEDIA_AS_TEXT'));
    expect(found).toEqual(caps.sends.includes(kind) ? [] : ['warning CHANNEL_MEDIA_AS_TEXT']);
  });

  it.each(MEDIA_INPUT_KINDS)('receives %s, or the input is an error', (kind) => {
    const found = channelCodes(step({ expected_input: { type: kind, variable: 'x' } }), channel).filter((c) => c.includes('INPUT'));
    expect(found).toEqual(caps.receives.includes(kind) ? [] : ['error CHANNEL_INPUT_UNSUPPORTED']);
  });
});
