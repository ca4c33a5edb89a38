import { describe, expect, it } from 'vitest';
import { at, check, codes, find, scenario } from '../support/scenario-text.js';

const ask = (variable: string, next: unknown, extra: Record<string, unknown> = {}) => ({
  message: { text: `${variable}?` },
  expected_input: { type: 'text', variable },
  next_step: next,
  ...extra,
});
const say = (text: string, next?: unknown, extra: Record<string, unknown> = {}) => ({ message: { text }, ...(next ? { next_step: next } : {}), ...extra });

describe('durations', () => {
  it.each([
    ['10 m', 'DURATION_SYNTAX'],
    ['1.5h', 'DURATION_SYNTAX'],
    ['10', 'DURATION_SYNTAX'],
    ['0s', 'DURATION_OUT_OF_RANGE'],
    ['366d', 'DURATION_OUT_OF_RANGE'],
  ])('reports %j in a timeout as %s at the value', (value, code) => {
    const text = scenario({ a: ask('x', 'b', { timeout: { after: value, next: 'b' } }), b: say('b') });
    expect(check(text)).toMatchObject([{ code, severity: 'error', ...at(text, JSON.stringify(value)) }]);
  });

  it('reports bad durations of reminders, wait and expire_after at their values', () => {
    const text = scenario({ a: ask('x', 'b', { reminders: [{ after: '2w', message: 'hey' }] }), b: say('b', undefined, { wait: '0m' }) }, { expire_after: 'forever' });
    const ds = check(text);
    expect(find(ds, 'DURATION_SYNTAX')).toMatchObject([at(text, '"forever"'), at(text, '"2w"')].map((p) => ({ ...p })).sort((x, y) => x.line - y.line));
    expect(find(ds, 'DURATION_OUT_OF_RANGE')).toMatchObject([at(text, '"0m"')]);
  });

  it('accepts well-formed timers without any diagnostic', () => {
    const text = scenario(
      {
        a: ask('x', 'w', { timeout: { after: '1h', next: 'late' }, reminders: [{ after: '10m', message: 'x?' }, { after: '30m', message: 'x??' }] }),
        w: say('wait', 'b', { wait: '90s' }),
        b: say('b'),
        late: say('late'),
      },
      { expire_after: '7d', on_expire: 'late' },
    );
    expect(check(text)).toEqual([]);
  });
});

describe('where timers may stand', () => {
  it('reports a timeout and reminders on a step that does not wait for input', () => {
    const text = scenario({ a: say('a', 'b', { timeout: { after: '1m', next: 'b' }, reminders: [{ after: '10s', message: 'm' }] }), b: say('b') });
    const ds = find(check(text), 'TIMER_WITHOUT_INPUT');
    expect(ds).toMatchObject([at(text, '{\n        "after": "1m"'), at(text, '[\n')]);
  });

  it('reports wait together with an input, at the wait', () => {
    const text = scenario({ a: ask('x', 'b', { wait: '1m' }), b: say('b') });
    expect(check(text)).toMatchObject([{ code: 'WAIT_WITH_INPUT', ...at(text, '"1m"') }]);
  });

  it('reports an unknown timeout or on_expire target as UNKNOWN_STEP, with a suggestion', () => {
    const text = scenario({ a: ask('x', 'a', { timeout: { after: '1m', next: 'byee' } }), bye: say('bye') }, { expire_after: '1d', on_expire: 'nowhere' });
    const ds = find(check(text), 'UNKNOWN_STEP');
    expect(ds).toMatchObject([at(text, '"byee"'), at(text, '"nowhere"')].sort((x, y) => x.line - y.line));
    expect(ds.find((d) => d.line === at(text, '"byee"').line)!.message).toContain('"bye"');
  });

  it('warns about on_expire without expire_after', () => {
    const text = scenario({ a: ask('x', 'a'), bye: say('bye') }, { on_expire: 'bye' });
    expect(codes(check(text))).toEqual(['ON_EXPIRE_WITHOUT_EXPIRE_AFTER', 'UNREACHABLE_STEP']);
    expect(find(check(text), 'ON_EXPIRE_WITHOUT_EXPIRE_AFTER')).toMatchObject([{ severity: 'warning', ...at(text, '"bye"') }]);
  });
});

describe('reminder schedules', () => {
  it('reports reminders that are not strictly increasing', () => {
    const text = scenario({
      a: ask('x', 'a', { reminders: [{ after: '1h', message: 'a' }, { after: '60m', message: 'b' }, { after: '2h', message: 'c' }] }),
    });
    expect(check(text)).toMatchObject([{ code: 'REMINDERS_NOT_INCREASING', ...at(text, '"60m"') }]);
  });

  it('reports a reminder at or after the timeout', () => {
    const text = scenario({
      a: ask('x', 'a', { timeout: { after: '1h', next: 'a' }, reminders: [{ after: '30m', message: 'a' }, { after: '3600s', message: 'b' }] }),
    });
    expect(check(text)).toMatchObject([{ code: 'REMINDER_AFTER_TIMEOUT', ...at(text, '"3600s"') }]);
  });

  it('warns about a reminder that shows a sensitive answer, or is too long for one message', () => {
    const input = { type: 'text', variable: 'pin', sensitive: true };
    const text = scenario({
      a: { message: { text: 'PIN?' }, expected_input: input, next_step: 'b' },
      b: ask('x', 'b', { reminders: [{ after: '1m', message: 'Your PIN {{pin}}' }, { after: '2m', message: 'y'.repeat(5000) }] }),
    });
    const ds = check(text);
    expect(find(ds, 'SENSITIVE_SHOWN')).toMatchObject([at(text, '{{pin}}')]);
    expect(find(ds, 'MESSAGE_TOO_LONG')).toMatchObject([at(text, '"yyy', { shift: 1 })]);
  });

  it('reads reminder messages as templates that must read assigned variables', () => {
    const text = scenario({ a: ask('x', 'a', { reminders: [{ after: '1m', message: 'Hi {{nobody}}' }] }) });
    expect(codes(check(text))).toEqual(['UNDEFINED_VARIABLE']);
  });
});

describe('timer edges in the graph analyses', () => {
  it('a step reached only by a timeout, a wait or on_expire is reachable', () => {
    const text = scenario(
      { a: ask('x', 'w', { timeout: { after: '1m', next: 'late' } }), w: say('w', 'after', { wait: '1m' }), after: say('after'), late: say('late'), bye: say('bye') },
      { expire_after: '1d', on_expire: 'bye' },
    );
    expect(find(check(text), 'UNREACHABLE_STEP')).toEqual([]);
  });

  it('on_expire without expire_after does not make its step reachable', () => {
    const text = scenario({ a: ask('x', 'a'), bye: say('bye') }, { on_expire: 'bye' });
    expect(find(check(text), 'UNREACHABLE_STEP')).toMatchObject([at(text, '"bye": {')]);
  });

  it('a variable assigned only by the answer is maybe unassigned after the timeout', () => {
    const text = scenario({ a: ask('x', 'b', { timeout: { after: '1m', next: 'b' } }), b: say('You said {{x}}') });
    expect(find(check(text), 'VAR_UNASSIGNED')).toMatchObject([{ ...at(text, 'x}}') }]);
  });

  it('a variable set before a wait is assigned after it', () => {
    const text = scenario({ a: say('a', 'w', { set: { n: '1' } }), w: say('w', 'b', { wait: '1m' }), b: say('n is {{n}}') });
    expect(check(text)).toEqual([]);
  });

  it('a variable assigned only on some steps is maybe unassigned in on_expire', () => {
    const text = scenario({ a: ask('x', 'b'), b: ask('y', 'b'), bye: say('Bye {{x}}') }, { expire_after: '1d', on_expire: 'bye' });
    expect(find(check(text), 'VAR_UNASSIGNED')).toMatchObject([{ ...at(text, 'x}}') }]);
  });

  it('a timeout keeps an input step whose conditions never hold from being a dead end', () => {
    const cond = { type: 'conditional', conditions: [{ if: 'c == "x"', then: 'b' }] };
    const step = { message: { text: 'pick' }, buttons: [{ text: 'P', value: 'p' }], expected_input: { type: 'button', variable: 'c' }, next_step: cond };
    const without = scenario({ a: step, b: say('b') });
    const withTimeout = scenario({ a: { ...step, timeout: { after: '1m', next: 'b' } }, b: say('b') });
    expect(find(check(without), 'DEAD_END')).toHaveLength(1);
    expect(find(check(withTimeout), 'DEAD_END')).toEqual([]);
  });

  it('a loop through a wait step is not a loop without input', () => {
    const text = scenario({ a: say('a', 'w'), w: say('w', 'a', { wait: '1h' }) });
    expect(codes(check(text))).toEqual([]);
  });
});
