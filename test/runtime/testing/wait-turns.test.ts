import { describe, expect, it } from 'vitest';
import { durationMs } from '../../../runtime/agenda/index.js';
import type { Dialog, Effect, MachineConfig, TurnResult } from '../../../runtime/engine/index.js';

import { readConversationTests, runConversationTest, VirtualAgenda } from '../../../runtime/testing/index.js';
import { compileFile } from '../http/app-fixture.js';

const { config: spec } = compileFile('examples/spec-example.json');
/** The spec example with an idle expiry of one hour that says goodbye (as the engine's on_expire will). */
// Machines are cached by version: each hand-made config has a version of its own.
const expiring = { ...spec, version: `${spec.version}-expiring`, expireAfterMs: 3_600_000, on: { ...spec.on, 'timer.expire': [{ actions: ['beginTurn'], target: '.goodbye', reenter: true }] } } as unknown as MachineConfig;
const opening = [{ user: '/start' }, { bot: 'Welcome to our bot!' }, { bot: "What's your name?" }, { user: 'Ann' }, { bot: 'Nice to meet you, Ann!' }];

describe('conversation tests: wait', () => {
  it('advances the test clock and fires what came due, whose replies the next checks see', async () => {
    const { tests, problems } = readConversationTests({
      name: 'expiry',
      turns: [...opening, { wait: '59m' }, { step: 'greet_with_name' }, { wait: '60s' }, { bot: 'Goodbye, Ann!', ended: true }],
    });
    expect(problems).toEqual([]);
    expect(await runConversationTest(expiring, tests[0]!)).toEqual({ name: 'expiry', passed: true });
  });

  it('a user message pushes the idle expiry back', async () => {
    const { tests } = readConversationTests({
      name: 'renewed',
      turns: [...opening, { wait: '59m' }, { user: 'nonsense' }, { bot: 'Please choose one of the options.' }, { wait: '59m' }, { step: 'greet_with_name' }, { wait: '1m' }, { bot: 'Goodbye, Ann!' }],
    });
    expect(await runConversationTest(expiring, tests[0]!)).toEqual({ name: 'renewed', passed: true });
  });

  it('a timer the machine does not handle says nothing and changes nothing', async () => {
    const unhandled = { ...spec, version: `${spec.version}-unhandled`, expireAfterMs: 60_000 } as MachineConfig;
    const { tests } = readConversationTests({ name: 'unhandled', turns: [...opening, { wait: '2m' }, { step: 'greet_with_name' }] });
    expect(await runConversationTest(unhandled, tests[0]!)).toEqual({ name: 'unhandled', passed: true });
  });

  it('fails a wait while bot messages are unchecked', async () => {
    const { tests } = readConversationTests({ name: 'early', turns: [{ user: '/start' }, { wait: '10m' }] });
    expect((await runConversationTest(expiring, tests[0]!)).failure).toEqual({ turn: 2, expected: 'wait "10m"', actual: 'bot "Welcome to our bot!"' });
  });

  it('refuses a wait without a valid duration', () => {
    for (const turn of [{ wait: '10x' }, { wait: '0s' }, { wait: '366d' }, { wait: 10 }, { wait: '1m', bot: 'a' }]) {
      expect(readConversationTests({ name: 't', turns: [turn] }).problems, JSON.stringify(turn)).toHaveLength(1);
    }
  });
});

describe('durationMs', () => {
  it('reads s, m, h and d from 1 s to 365 d', () => {
    expect([durationMs('90s'), durationMs('10m'), durationMs('24h'), durationMs('7d'), durationMs('365d')]).toEqual([90_000, 600_000, 86_400_000, 604_800_000, 31_536_000_000]);
    expect([durationMs('0s'), durationMs('366d'), durationMs('1.5h'), durationMs('m'), durationMs('-1m')]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

/**
 * A stand-in dialog whose step `ask` schedules a reminder at 1 min and a timeout at 10 min (as the engine will): a
 * reminder says "still there?" and stays; the timeout says "bye" and ends. Any message re-enters `ask`.
 */
function fakeDialog(): Dialog {
  let step: string | undefined;
  let last: readonly Effect[] = [];
  const enter = (): Effect[] => [
    { type: 'schedule', step: 'ask', timer: 'reminder', index: 0, afterMs: 60_000 },
    { type: 'schedule', step: 'ask', timer: 'timeout', afterMs: 600_000 },
  ];
  const result = (effects: readonly Effect[]): TurnResult => {
    last = effects;
    return { effects, step, ended: step === undefined, refused: false };
  };
  return {
    get step() {
      return step;
    },
    send: () => {
      step = 'ask';
      return result(enter());
    },
    sendEvent: (event: { type: string }) => {
      if (step !== 'ask') return { effects: last, step, ended: true, refused: false };
      if (event.type === 'timer.reminder') return result([{ type: 'say', step: 'ask', text: 'still there?', buttons: [] }]);
      step = undefined;
      return result([{ type: 'say', step: 'ask', text: 'bye', buttons: [] }]);
    },
  } as unknown as Dialog;
}

describe('VirtualAgenda', () => {
  const said = (fired: ReturnType<VirtualAgenda['advance']>) => fired.map((f) => `${f.entry.name}@${f.entry.due}:${f.effects.map((e) => (e.type === 'say' ? e.text : e.type)).join(',')}`);

  it('fires every entry that comes due within the wait, in due order, at its due time', () => {
    const time = new VirtualAgenda(spec);
    const dialog = fakeDialog();
    time.send(dialog, { text: 'hi' });
    expect(said(time.advance(dialog, 30_000))).toEqual([]);
    expect(said(time.advance(dialog, 3_600_000))).toEqual(['reminder@60000:still there?', 'timeout@600000:bye']);
    expect(time.now).toBe(3_630_000);
    expect(time.agenda).toEqual([]);
  });

  it('a message that re-enters the step replaces its timers', () => {
    const time = new VirtualAgenda(spec);
    const dialog = fakeDialog();
    time.send(dialog, { text: 'hi' });
    time.advance(dialog, 50_000);
    time.send(dialog, { text: 'again' });
    expect(said(time.advance(dialog, 59_999))).toEqual([]);
    expect(said(time.advance(dialog, 1))).toEqual(['reminder@110000:still there?']);
  });
});
