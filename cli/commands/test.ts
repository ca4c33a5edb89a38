import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { emitMachineConfig } from '../../compiler/index.js';
import { readConversationTests, runConversationTest } from '../../runtime/testing/index.js';
import { green, red, UsageError, type Io } from '../io.js';
import { loadScenario, printDiagnostics } from '../load.js';
import type { Command } from './command.js';

export const testCommand: Command = {
  name: 'test',
  summary: 'Run conversation tests against a scenario',
  usage: 'scenarist test SCENARIO [TESTFILE...]',
  help: `Runs each conversation test (a JSON file with one test or an array) on the same engine the server uses.
Without TESTFILE, runs SCENARIO's sibling NAME.test.json. A test file given alone (NAME.test.json) runs against
its sibling scenario, NAME.json or NAME.scn.

Files a test sends ({"photo": "fixtures/receipt.jpg"}) are read relative to the test file and fetched at once
into an in-memory media store, with the server's checks (size limit, type read from the bytes).

For each test it prints ✓ or ✗ and, on failure, the first divergence: the turn number, what was expected and
what happened. It ends with "N passed, N failed".

Options:
  --help   show this help

Exit status: 1 if any test fails or the scenario has an error, else 0.`,
  options: {},
  async run(io: Io, args) {
    const [first, ...rest] = args.positionals;
    if (!first) throw new UsageError('test needs a SCENARIO file');
    // `scenarist test NAME.test.json`: the test file alone, its scenario beside it.
    const [scenarioFile, given] = rest.length === 0 && first.endsWith(TEST_SUFFIX) ? [siblingScenario(io, first), [first]] : [first, rest];
    const testFiles = given.length > 0 ? given : [defaultTestFile(io, scenarioFile)];
    const loaded = await loadScenario(io, scenarioFile);
    printDiagnostics(io, loaded.diagnostics.filter((d) => d.severity === 'error'), 'stderr');
    if (!loaded.ir) {
      io.stdout(`0 passed, 0 failed (the scenario has errors)\n`);
      return 1;
    }
    const config = emitMachineConfig(loaded.ir);
    let passed = 0;
    let failed = 0;
    for (const file of testFiles) {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(resolve(io.cwd, file), 'utf8'));
      } catch (err) {
        io.stdout(`${red(io.color, '✗')} ${file}: cannot read tests: ${(err as Error).message}\n`);
        failed++;
        continue;
      }
      const { tests, problems } = readConversationTests(json);
      for (const p of problems) {
        io.stdout(`${red(io.color, '✗')} ${file}: ${p}\n`);
        failed++;
      }
      for (const test of tests) {
        const result = await runConversationTest(config, test, { dir: dirname(resolve(io.cwd, file)) });
        if (result.passed) {
          passed++;
          io.stdout(`${green(io.color, '✓')} ${test.name}\n`);
          continue;
        }
        failed++;
        const f = result.failure!;
        io.stdout(`${red(io.color, '✗')} ${test.name}\n    turn ${f.turn}: expected ${f.expected}\n    ${' '.repeat(String(f.turn).length + 7)}actual   ${f.actual}\n`);
      }
    }
    io.stdout(`${passed} passed, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
  },
};

const TEST_SUFFIX = '.test.json';

/** The scenario a test file is named after: NAME.json, else NAME.scn, next to it. */
function siblingScenario(io: Io, testFile: string): string {
  const base = testFile.slice(0, -TEST_SUFFIX.length);
  const found = ['.json', '.scn'].map((ext) => base + ext).find((f) => existsSync(resolve(io.cwd, f)));
  if (!found) throw new UsageError(`${testFile} is a test file and neither ${base}.json nor ${base}.scn exists: give the scenario first (scenarist test SCENARIO ${testFile})`);
  return found;
}

function defaultTestFile(io: Io, scenario: string): string {
  const file = join(dirname(scenario), `${basename(scenario, extname(scenario))}.test.json`);
  if (!existsSync(resolve(io.cwd, file))) throw new UsageError(`no TESTFILE given and ${file} does not exist`);
  return file;
}
