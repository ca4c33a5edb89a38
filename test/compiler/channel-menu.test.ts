import { describe, expect, it } from 'vitest';
import { isNumberedMenu, layoutOf, menuNumber, numberedMenu, withMenu } from '../../compiler/index.js';

const options = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `Option ${i + 1}`, value: `o${i + 1}` }));

describe('numbered menus', () => {
  it('reads a typed number of the menu, with or without its dot', () => {
    expect(menuNumber('2', 12)).toBe(1);
    expect(menuNumber(' 12. ', 12)).toBe(11);
    expect(menuNumber('13', 12)).toBeUndefined();
    expect(menuNumber('0', 12)).toBeUndefined();
    expect(menuNumber('two', 12)).toBeUndefined();
    expect(menuNumber('1.5', 12)).toBeUndefined();
  });

  it('writes one numbered line per button after the text', () => {
    expect(numberedMenu(options(2))).toBe('1. Option 1\n2. Option 2');
    expect(withMenu('Pick', options(1))).toBe('Pick\n\n1. Option 1');
    expect(withMenu('', options(1))).toBe('1. Option 1');
  });

  it('is the layout where a value cannot travel as a payload, except on Telegram (refused by the checker)', () => {
    expect(layoutOf('whatsapp', [{ text: 'a', value: 'x'.repeat(257) }]).layout).toBe('numbered-menu');
    expect(layoutOf('whatsapp', [{ text: 'a', value: 'é'.repeat(129) }]).layout).toBe('numbered-menu');
    expect(layoutOf('whatsapp', [{ text: 'a', value: 'x' }, { text: 'b', value: 'x' }]).layout).toBe('numbered-menu');
    expect(layoutOf('messenger', [{ text: 'a', value: '' }]).layout).toBe('numbered-menu');
    expect(layoutOf('whatsapp', [{ text: 'a', value: 'x'.repeat(256) }]).layout).toBe('buttons');
    expect(layoutOf('telegram', [{ text: 'a', value: 'x'.repeat(65) }]).layout).toBe('buttons');
  });

  it('follows the channel table for counts and titles', () => {
    expect(isNumberedMenu('whatsapp', options(10))).toBe(false);
    expect(isNumberedMenu('whatsapp', options(11))).toBe(true);
    expect(isNumberedMenu('messenger', options(13))).toBe(false);
    expect(isNumberedMenu('messenger', options(14))).toBe(true);
    expect(isNumberedMenu('telegram', options(100))).toBe(false);
    expect(isNumberedMenu('telegram', options(101))).toBe(true);
    expect(isNumberedMenu('webchat', options(500))).toBe(false);
    expect(isNumberedMenu('whatsapp', [])).toBe(false);
  });
});
