import { describe, expect, it } from 'vitest';
import { compileScenario, convertScenario, type ChannelId, type Diagnostic } from '../../compiler/index.js';
import { at, find, scenario } from '../support/scenario-text.js';

const checkOn = (text: string, channels: readonly ChannelId[], file = 'bot.json'): readonly Diagnostic[] => compileScenario(text, { file, channels }).diagnostics;
const channelCodes = (ds: readonly Diagnostic[]) => ds.filter((d) => d.code.startsWith('CHANNEL_')).map((d) => `${d.severity} ${d.code}`);

const button = (i: number, text = `Choice ${i}`) => ({ text, value: `v${i}` });
const menu = (buttons: unknown[], text = 'Pick one') => scenario({ pick: { message: { text }, buttons, expected_input: { type: 'button', variable: 'choice' } } });
const ask = (type: unknown) => scenario({ a: { message: { text: 'Send it' }, expected_input: { type, variable: 'x' } } });
const long = (n: number): string => 'Lorem ipsum dolor sit amet. '.repeat(Math.ceil(n / 28)).slice(0, n);

describe('channel checks', () => {
  it('reports nothing new when no channel is given', () => {
    const text = menu(Array.from({ length: 12 }, (_, i) => button(i, `A rather long button title ${i}`)));
    expect(channelCodes(compileScenario(text, { file: 'bot.json' }).diagnostics)).toEqual([]);
  });

  it('WhatsApp: 4 to 10 buttons become an interactive list, warned at the buttons', () => {
    const text = menu([1, 2, 3, 4].map((i) => button(i)));
    expect(find(checkOn(text, ['whatsapp']), 'CHANNEL_TOO_MANY_BUTTONS')).toMatchObject([{ severity: 'warning', ...at(text, '"buttons": [', { shift: 11 }) }]);
    expect(find(checkOn(text, ['whatsapp']), 'CHANNEL_TOO_MANY_BUTTONS')[0]!.message).toContain('list');
    expect(channelCodes(checkOn(menu([1, 2, 3].map((i) => button(i))), ['whatsapp']))).toEqual([]);
  });

  it('WhatsApp: more than 10 buttons become a numbered menu', () => {
    const text = menu(Array.from({ length: 11 }, (_, i) => button(i)));
    const found = find(checkOn(text, ['whatsapp']), 'CHANNEL_TOO_MANY_BUTTONS');
    expect(found).toMatchObject([{ severity: 'warning', ...at(text, '"buttons": [', { shift: 11 }) }]);
    expect(found[0]!.message).toContain('numbered');
  });

  it('WhatsApp: a title over 20 characters makes a list, over 24 (in a list) a numbered menu', () => {
    const text = menu([button(1, 'A title of 22 letters!'), button(2)]);
    expect(find(checkOn(text, ['whatsapp']), 'CHANNEL_BUTTON_TITLE_TOO_LONG')).toMatchObject([{ severity: 'warning', ...at(text, '"A title of 22', { shift: 0 }) }]);
    const list = menu([1, 2, 3, 4].map((i) => button(i)).concat([button(5, 'A title of twenty-five ch')]));
    const found = find(checkOn(list, ['whatsapp']), 'CHANNEL_BUTTON_TITLE_TOO_LONG');
    expect(found).toMatchObject([{ ...at(list, '"A title of twenty') }]);
    expect(found[0]!.message).toContain('numbered');
  });

  it('Messenger: more than 13 quick replies, or a title over 20, make a numbered menu', () => {
    const many = menu(Array.from({ length: 14 }, (_, i) => button(i)));
    expect(find(checkOn(many, ['messenger']), 'CHANNEL_TOO_MANY_BUTTONS')).toMatchObject([{ severity: 'warning', ...at(many, '"buttons": [', { shift: 11 }) }]);
    const titled = menu([button(1, 'A title of 21 letters')]);
    expect(find(checkOn(titled, ['messenger']), 'CHANNEL_BUTTON_TITLE_TOO_LONG')).toMatchObject([{ severity: 'warning', ...at(titled, '"A title of 21') }]);
  });

  it('a button value over the payload bytes is an error at the value', () => {
    const text = menu([{ text: 'Yes', value: 'x'.repeat(257) }]);
    expect(find(checkOn(text, ['whatsapp']), 'CHANNEL_PAYLOAD_TOO_LONG')).toMatchObject([{ severity: 'error', ...at(text, '"xxx') }]);
    expect(find(checkOn(text, ['messenger']), 'CHANNEL_PAYLOAD_TOO_LONG')).toEqual([]);
    expect(find(checkOn(menu([{ text: 'Yes', value: 'é'.repeat(501) }]), ['messenger']), 'CHANNEL_PAYLOAD_TOO_LONG')).toHaveLength(1);
  });

  it('Telegram: its text and callback limits are reported once, by the baseline codes', () => {
    const text = menu([{ text: 'Yes', value: 'x'.repeat(65) }], long(5000));
    const ds = checkOn(text, ['telegram']);
    expect(ds.map((d) => d.code)).toEqual(expect.arrayContaining(['CALLBACK_DATA_TOO_LONG', 'MESSAGE_TOO_LONG']));
    expect(channelCodes(ds)).toEqual([]);
  });

  it('a text over the channel limit is split, measured on its fixed parts', () => {
    const text = scenario({ a: { message: { text: long(2001) } } });
    expect(find(checkOn(text, ['messenger']), 'CHANNEL_TEXT_SPLIT')).toMatchObject([{ severity: 'warning', ...at(text, '"Lorem', { shift: 1 }) }]);
    expect(find(checkOn(text, ['whatsapp', 'webchat']), 'CHANNEL_TEXT_SPLIT')).toEqual([]);
    const templated = scenario({ a: { message: { text: `${long(1990)} {{user.first_name}}` } } });
    expect(find(checkOn(templated, ['messenger']), 'CHANNEL_TEXT_SPLIT')).toEqual([]);
  });

  it("an input's error message is a message too", () => {
    const text = scenario({ a: { message: { text: 'Your name?' }, expected_input: { type: 'text', variable: 'x', error_message: long(2050) } } });
    expect(find(checkOn(text, ['messenger']), 'CHANNEL_TEXT_SPLIT')).toMatchObject([{ severity: 'warning', ...at(text, '"Lorem', { shift: 1 }) }]);
  });

  it('WhatsApp: a text with buttons over the 1024-character body is split', () => {
    const text = menu([button(1)], long(1100));
    expect(find(checkOn(text, ['whatsapp']), 'CHANNEL_TEXT_SPLIT')).toMatchObject([{ severity: 'warning', ...at(text, '"Lorem', { shift: 1 }) }]);
  });

  it('a caption over the limit (any caption on Messenger) is sent after the file', () => {
    const text = scenario({ a: { message: { text: 'Look' }, media: [{ image: 'https://example.com/a.png', caption: long(1100) }] } });
    expect(find(checkOn(text, ['whatsapp']), 'CHANNEL_CAPTION_SEPARATE')).toMatchObject([{ severity: 'warning', ...at(text, '"Lorem', { shift: 1 }) }]);
    const short = scenario({ a: { message: { text: 'Look' }, media: [{ image: 'https://example.com/a.png', caption: 'Hi' }] } });
    expect(find(checkOn(short, ['messenger']), 'CHANNEL_CAPTION_SEPARATE')).toHaveLength(1);
    expect(find(checkOn(short, ['whatsapp', 'telegram', 'webchat']), 'CHANNEL_CAPTION_SEPARATE')).toEqual([]);
  });

  it('Messenger: a location or contact card is sent as text', () => {
    const text = scenario({ a: { message: { text: 'Here' }, media: [{ location: { latitude: 1, longitude: 2 } }] } });
    expect(find(checkOn(text, ['messenger']), 'CHANNEL_MEDIA_AS_TEXT')).toMatchObject([{ severity: 'warning', ...at(text, '{', { nth: text.slice(0, text.indexOf('"location"')).split('{').length - 1 }) }]);
    expect(find(checkOn(text, ['whatsapp']), 'CHANNEL_MEDIA_AS_TEXT')).toEqual([]);
  });

  it('an input the channel cannot receive is an error; one kind of several a warning', () => {
    const text = ask('contact');
    expect(find(checkOn(text, ['messenger']), 'CHANNEL_INPUT_UNSUPPORTED')).toMatchObject([{ severity: 'error', ...at(text, '"contact"') }]);
    expect(find(checkOn(ask('location'), ['messenger']), 'CHANNEL_INPUT_UNSUPPORTED')).toHaveLength(1);
    expect(channelCodes(checkOn(text, ['whatsapp', 'telegram', 'webchat']))).toEqual([]);
    const mixed = ask(['photo', 'contact']);
    expect(find(checkOn(mixed, ['messenger']), 'CHANNEL_INPUT_KIND_UNSUPPORTED')).toMatchObject([{ severity: 'warning', ...at(mixed, '"contact"') }]);
  });

  it('names the channel in each message and reports each channel once', () => {
    const text = menu(Array.from({ length: 14 }, (_, i) => button(i)));
    const found = find(checkOn(text, ['whatsapp', 'messenger', 'whatsapp']), 'CHANNEL_TOO_MANY_BUTTONS');
    expect(found.map((d) => d.message.split(';')[1]!.trim().split(' ')[0])).toEqual(expect.arrayContaining(['WhatsApp', 'Messenger']));
    expect(found).toHaveLength(2);
  });

  it('the JSON and .scn forms of a scenario report the same', () => {
    const text = JSON.stringify({
      name: 'T',
      version: '1',
      start_step: 'pick',
      steps: {
        pick: { message: { text: long(2100) }, buttons: Array.from({ length: 14 }, (_, i) => button(i, `Choice number ${i} of many`)), expected_input: { type: 'button', variable: 'choice' }, next_step: 'send' },
        send: { message: { text: 'Send your card' }, media: [{ contact: { phone: '+100', first_name: 'Ann' } }], expected_input: { type: 'contact', variable: 'card' } },
      },
    });
    const scn = convertScenario(text, 'bot.json', 'bot.scn').text!;
    const all: ChannelId[] = ['telegram', 'webchat', 'whatsapp', 'messenger'];
    const json = channelCodes(checkOn(text, all));
    expect(json).toEqual([
      'warning CHANNEL_TEXT_SPLIT',
      'warning CHANNEL_TOO_MANY_BUTTONS',
      'warning CHANNEL_TOO_MANY_BUTTONS',
      'warning CHANNEL_MEDIA_AS_TEXT',
      'error CHANNEL_INPUT_UNSUPPORTED',
    ]);
    expect(channelCodes(checkOn(scn, all, 'bot.scn'))).toEqual(json);
  });
});
