import { describe, expect, it } from 'vitest';
import { at, check, find, scenario } from '../support/scenario-text.js';

/** A text of `n` characters made of words and paragraphs, as a long reply would be. */
const long = (n: number): string => 'Lorem ipsum dolor sit amet. '.repeat(Math.ceil(n / 28)).slice(0, n);

describe('MESSAGE_TOO_LONG', () => {
  it("warns at the message of a static text over Telegram's 4096 characters", () => {
    const text = scenario({ terms: { type: 'message', message: { text: long(5000) } } });
    const found = find(check(text), 'MESSAGE_TOO_LONG');
    expect(found).toMatchObject([{ severity: 'warning', ...at(text, '"Lorem', { shift: 1 }) }]);
    expect(found[0]!.message).toContain('5000');
  });

  it('leaves a text of exactly 4096 characters alone', () => {
    expect(find(check(scenario({ a: { type: 'message', message: { text: long(4096) } } })), 'MESSAGE_TOO_LONG')).toEqual([]);
  });

  it('counts UTF-16 code units, as Telegram does', () => {
    expect(find(check(scenario({ a: { type: 'message', message: { text: '😀'.repeat(2049) } } })), 'MESSAGE_TOO_LONG')).toHaveLength(1);
  });

  it('counts only the fixed parts of a template', () => {
    const over = scenario({ a: { type: 'message', message: { text: `${long(4000)} {{user.first_name}} ${long(200)}` } } });
    expect(find(check(over), 'MESSAGE_TOO_LONG')).toHaveLength(1);
    const within = scenario({ a: { type: 'message', message: { text: `${long(4000)} {{user.first_name}}` } } });
    expect(find(check(within), 'MESSAGE_TOO_LONG')).toEqual([]);
  });

  it('reports a long say line of a .scn file at its string', () => {
    const text = `scenario "T" version "1"\nstart a\n\nstep a\n  say "${long(4100)}"\n`;
    expect(find(check(text, 'bot.scn'), 'MESSAGE_TOO_LONG')).toMatchObject([{ severity: 'warning', line: 5, column: 8 }]);
  });
});
