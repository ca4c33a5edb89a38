import { readdirSync, readFileSync } from 'node:fs';
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
