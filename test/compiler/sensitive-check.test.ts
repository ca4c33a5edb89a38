import { describe, expect, it } from 'vitest';
import { at, check, find, scenario } from '../support/scenario-text.js';

const ask = (text: string, input: Record<string, unknown>, next: string) => ({ type: 'message', message: { text }, expected_input: input, next_step: next });
const say = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'message', message: { text }, ...extra });

describe('SENSITIVE_SHOWN', () => {
  it('warns at the placeholder of a message that shows a sensitive answer', () => {
    const text = scenario({
      ask_pw: ask('Password?', { type: 'text', variable: 'pw', sensitive: true }, 'done'),
      done: say('Saved: pw={{pw}}.'),
    });
    const found = find(check(text), 'SENSITIVE_SHOWN');
    const start = at(text, '{{pw}}');
    expect(found).toMatchObject([{ severity: 'warning', line: start.line, column: start.column, endLine: start.line, endColumn: start.column + '{{pw}}'.length }]);
  });

  it('follows values set from a sensitive answer, with filters, and error messages too', () => {
    const text = scenario({
      ask_pin: ask('PIN?', { type: 'text', variable: 'pin', sensitive: true }, 'copy'),
      copy: { ...say('Copied.'), set: { shown: 'pin' }, next_step: 'again' },
      again: ask('Again?', { type: 'integer', variable: 'n', error_message: 'Not {{ shown | upper }}' }, 'done'),
      done: say('Bye.'),
    });
    const ds = check(text);
    expect(ds.filter((d) => d.severity === 'error')).toEqual([]);
    const found = find(ds, 'SENSITIVE_SHOWN');
    expect(found.map(({ line, column }) => ({ line, column }))).toEqual([at(text, '{{ shown | upper }}')]);
  });

  it('says nothing of variables that are not sensitive', () => {
    const text = scenario({
      ask_name: ask('Name?', { type: 'text', variable: 'name' }, 'done'),
      done: say('Hi {{name}}.'),
    });
    expect(find(check(text), 'SENSITIVE_SHOWN')).toEqual([]);
  });

  it('places the warning in a .scn file', () => {
    const text = `scenario "S" version "1.0"
start ask_pw

step ask_pw
  say "Password?"
  ask text -> pw
    sensitive
  go done

step done
  say "Your password is {{pw}}."
`;
    const found = find(check(text, 'test.scn'), 'SENSITIVE_SHOWN');
    expect(found).toMatchObject([{ severity: 'warning', ...at(text, '{{pw}}') }]);
  });
});
