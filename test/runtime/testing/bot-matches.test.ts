import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig, type MachineConfig } from '../../../compiler/index.js';
import { runConversationTest } from '../../../runtime/testing/index.js';

function machineOf(file: string): MachineConfig {
  const { ir, diagnostics } = compileScenario(readFileSync(file, 'utf8'), { file });
  if (!ir) throw new Error(JSON.stringify(diagnostics));
  return emitMachineConfig(ir);
}

const spec = machineOf('examples/spec-example.json');
const run = (pattern: string) => runConversationTest(spec, { name: 't', turns: [{ user: 'hi' }, { bot_matches: pattern }, { bot_matches: '.' }] });

describe('bot_matches', () => {
  it('uses the scenario regex engine: RE2 syntax with inline flags', async () => {
    expect((await run('(?i)^WELCOME')).passed).toBe(true);
    expect((await run('^\\x{57}elcome')).passed).toBe(true);
    expect((await run('^WELCOME')).failure?.turn).toBe(2);
  });

  it('fails the turn on a pattern the engine refuses', async () => {
    expect((await run('^(?=W)Welcome')).failure).toMatchObject({ turn: 2, expected: 'the turn to run' });
  });
});
