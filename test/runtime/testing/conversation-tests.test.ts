import { describe, expect, it } from 'vitest';
import { readConversationTests, runConversationTest } from '../../../runtime/testing/index.js';
import { compileFile } from '../http/app-fixture.js';

const { config } = compileFile('examples/spec-example.json');
const opening = [{ user: '/start' }, { bot: 'Welcome to our bot!' }, { bot: "What's your name?" }, { user: 'Ann' }, { bot: 'Nice to meet you, Ann!' }, { press: 'end' }];

describe('conversation test turns', () => {
  it('takes several checks in one turn and runs each of them', async () => {
    const { tests, problems } = readConversationTests({
      name: 'combined',
      turns: [...opening, { bot: 'Goodbye, Ann!', ended: true, vars: { name: 'Ann' } }],
    });
    expect(problems).toEqual([]);
    expect(await runConversationTest(config, tests[0]!)).toEqual({ name: 'combined', passed: true });

    const wrongVar = readConversationTests({ name: 'wrong', turns: [...opening, { bot: 'Goodbye, Ann!' }, { ended: true, vars: { name: 'Bob' } }] }).tests[0]!;
    expect((await runConversationTest(config, wrongVar)).failure).toEqual({ turn: 8, expected: 'name = "Bob"', actual: 'name = "Ann"' });
    const notEnded = readConversationTests({ name: 'running', turns: [{ user: '/start' }, { bot: 'Welcome to our bot!' }, { bot: "What's your name?", step: 'ask_name', ended: true }] }).tests[0]!;
    expect((await runConversationTest(config, notEnded)).failure).toEqual({ turn: 3, expected: 'the dialog has ended', actual: 'step "ask_name"' });
  });

  it('refuses an action combined with anything, two message checks, buttons alone and unknown keys', () => {
    for (const turn of [{ user: 'a', press: 'b' }, { user: 'a', ended: true }, { bot: 'a', bot_matches: 'b' }, { buttons: ['A'] }, { ended: true, colour: 'red' }, {}, { ended: 'yes' }]) {
      expect(readConversationTests({ name: 't', turns: [turn] }).problems, JSON.stringify(turn)).toHaveLength(1);
    }
  });
});
