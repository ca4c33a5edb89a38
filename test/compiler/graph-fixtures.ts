import { readdirSync, readFileSync } from 'node:fs';
import { generateScenario } from '../../bench/generate-scenario.js';
import { compileScenario, hasErrors, type IrScenario } from '../../compiler/index.js';

function compile(text: string, file: string): IrScenario {
  const r = compileScenario(text, { file });
  if (!r.ir || hasErrors(r.diagnostics)) throw new Error(`${file} does not compile: ${JSON.stringify(r.diagnostics)}`);
  return r.ir;
}

/** Every example scenario (examples/*.json), by file name. */
export const examples: readonly (readonly [string, IrScenario])[] = readdirSync('examples')
  .filter((f) => f.endsWith('.json') && !f.endsWith('.test.json'))
  .sort()
  .map((f) => [f, compile(readFileSync(`examples/${f}`, 'utf8'), f)] as const);

/**
 * The awkward shapes in one scenario: self-loops (one labelled), a retry loop back over several layers, an
 * on-fail edge back to the start, two edges between one pair of steps, commands, and an unreachable step.
 */
export const tangled: IrScenario = compile(
  `scenario "Tangled" version "1"
start a
command /help go h
command /reset go a

step a
  say "Start here"
  button "X" = x
  button "Y" = y
  ask button -> c
    error "pick"
  when c == "x" go b
  when c == "y" go d
  else go a

step h
  say "Help"
  go b

step b
  say "A number, please"
  ask number -> n
    error "num"
    attempts 2
    on fail go a
  when n > 10 go d
  when n > 5 go e
  when n < 0 go b
  else go f

step d
  say "A step with a long message that has to wrap onto a second line"
  when n > 50 go e
  else go e

step e
  say "E"
  when n == 1 go a
  when n == 2 go b
  else go f

step f
  say "The end"

step orphan
  say "Nothing leads here"
  go a
`,
  'tangled.scn',
);

/** The benchmark's shape (bench/graph-layout.ts) at 600 steps: every fifth step's "on fail" runs down to `done`. */
export const onFailToDone: IrScenario = compile(JSON.stringify(generateScenario(600)), 'generated-600.json');

/** A menu with `branches` buttons, each leading through three steps and back to the menu. */
export function menuScenario(branches: number): IrScenario {
  const steps: Record<string, unknown> = {
    menu: {
      message: { text: 'Main menu' },
      buttons: Array.from({ length: branches }, (_, b) => ({ text: `B${b}`, value: `b${b}` })),
      expected_input: { type: 'button', variable: 'choice' },
      next_step: { type: 'conditional', conditions: Array.from({ length: branches }, (_, b) => ({ if: `choice == "b${b}"`, then: `b${b}_0` })), else: 'menu' },
    },
  };
  for (let b = 0; b < branches; b++) {
    for (let k = 0; k < 3; k++) steps[`b${b}_${k}`] = { message: { text: `Branch ${b}, step ${k}` }, next_step: k < 2 ? `b${b}_${k + 1}` : 'menu' };
  }
  return compile(JSON.stringify({ name: 'Menu', version: '1', start_step: 'menu', steps }), `menu-${branches}.json`);
}
