import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { CHANNEL_IDS, DEFAULT_CHANNELS, emitMachineConfig, isChannelId, type ChannelId } from '../../compiler/index.js';
import { readConversationTests, runConversationTest } from '../../runtime/testing/index.js';
import { green, red, UsageError, type Io } from '../io.js';
import { loadScenario, printDiagnostics } from '../load.js';
import type { Command } from './command.js';

export const testCommand: Command = {
  name: 'test',
  summary: 'Run conversation tests against a scenario',
  usage: 'scenarist test SCENARIO [TESTFILE...] [--channel telegram|webchat|whatsapp|messenger|all]',
  help: `Runs each conversation test (a JSON file with one test or an array) on the same engine the server uses.
Without TESTFILE, runs SCENARIO's sibling NAME.test.json. A test file given alone (NAME.test.json) runs against
its sibling scenario, NAME.json or NAME.scn.

Files a test sends ({"photo": "fixtures/receipt.jpg"}) are read relative to the test file and fetched at once
into an in-memory media store, with the server's checks (size limit, type read from the bytes).

For each test it prints ✓ or ✗ and, on failure, the first divergence: the turn number, what was expected and
what happened. It ends with "N passed, N failed".

With --channel, each test runs on that channel's rendering: every bot message is read as the channel shows it
(a long text split in parts matches the expected text with the white space at each cut left out; a numbered
menu's lines are the expected "buttons" and the text before them the expected "bot"), typed text comes from
that channel, and a press is made as its user makes it: a reply button's or a list row's id, or the number
typed for a numbered menu. --channel all runs every test on each of the bot's channels (the bot of the config
file, SCENARIST_CONFIG or scenarist.config.json, whose scenario this is; its "channels", default telegram and
webchat), or on all four channels when no bot of the config runs this scenario. Results are marked [channel].

Options:
  --channel C   telegram, webchat, whatsapp, messenger or all (default: the engine's messages, no channel)
  --help        show this help

Exit status: 1 if any test fails or the scenario has an error, else 0.`,
  options: { channel: { type: 'string' } },
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
    const channels = await channelsOf(io, args.values['channel'], scenarioFile);
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
      for (const channel of channels) {
        const mark = channel && channels.length > 1 ? ` [${channel}]` : '';
        for (const test of tests) {
          const result = await runConversationTest(config, test, { dir: dirname(resolve(io.cwd, file)), ...(channel ? { channel } : {}) });
          if (result.passed) {
            passed++;
            io.stdout(`${green(io.color, '✓')} ${test.name}${mark}\n`);
            continue;
          }
          failed++;
          const f = result.failure!;
          io.stdout(`${red(io.color, '✗')} ${test.name}${mark}\n    turn ${f.turn}: expected ${f.expected}\n    ${' '.repeat(String(f.turn).length + 7)}actual   ${f.actual}\n`);
        }
      }
    }
    io.stdout(`${passed} passed, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
  },
};

const TEST_SUFFIX = '.test.json';

/** The channels to run on: none (the engine's messages), one, or with `all` the bot's channels (all four without a bot). */
async function channelsOf(io: Io, value: unknown, scenarioFile: string): Promise<readonly (ChannelId | undefined)[]> {
  if (value === undefined) return [undefined];
  if (typeof value === 'string' && isChannelId(value)) return [value];
  if (value !== 'all') throw new UsageError(`unknown channel ${JSON.stringify(value)}: one of ${CHANNEL_IDS.join(', ')} or all`);
  const configFile = resolve(io.cwd, process.env['SCENARIST_CONFIG'] || 'scenarist.config.json');
  if (!existsSync(configFile)) return CHANNEL_IDS;
  const { ConfigError, loadBotsConfig } = await import('../../runtime/server/index.js');
  try {
    const bot = loadBotsConfig(configFile).bots.find((b) => b.scenario === resolve(io.cwd, scenarioFile));
    return bot ? (bot.channels ?? DEFAULT_CHANNELS) : CHANNEL_IDS;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new UsageError(`--channel all reads the bots of ${configFile}: ${err.message}`);
  }
}

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
