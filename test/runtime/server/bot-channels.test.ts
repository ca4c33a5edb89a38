// A bot's "channels" in the config file: its scenario is checked against them at load, and what a channel shows
// otherwise than written is logged as a warning with its position; what no channel can do stops the start.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyring } from '../../../runtime/secrets/index.js';
import { ConfigError, loadBots, parseBotsConfig, ScenarioLoadError, type BotConfig } from '../../../runtime/server/index.js';
import { MemoryStore } from '../../../runtime/store/index.js';
import { captureLogger } from '../../support/capture-logger.js';

const steps = (input: string) => `{
  "name": "Menu",
  "version": "1.0",
  "start_step": "pick",
  "steps": {
    "pick": {
      "message": { "text": "Pick one" },
      "buttons": [
        { "text": "One", "value": "1" }, { "text": "Two", "value": "2" },
        { "text": "Three", "value": "3" }, { "text": "Four", "value": "4" }
      ],
      "expected_input": { "type": "button", "variable": "choice" },
      "next_step": "card"
    },
    "card": { "message": { "text": "Your card?" }, "expected_input": { "type": "${input}", "variable": "card" } }
  }
}
`;

function botFile(input: string): string {
  const scenario = join(mkdtempSync(join(tmpdir(), 'scenarist-channels-')), 'menu.json');
  writeFileSync(scenario, steps(input));
  return scenario;
}

const bot = (scenario: string, channels?: BotConfig['channels']): BotConfig => ({
  id: 'menu',
  account: 'default',
  name: 'Menu',
  scenario,
  telegram: { groupDialogs: 'member' },
  callsAllowedHosts: [],
  ...(channels ? { channels } : {}),
});

describe("a bot's channels", () => {
  it('are read from the config file, and an unknown one is a config error', () => {
    const c = parseBotsConfig({ bots: [{ id: 'm', scenario: 'm.json', channels: ['whatsapp', 'telegram'] }] }, '/c.json');
    expect(c.bots[0]!.channels).toEqual(['whatsapp', 'telegram']);
    expect(parseBotsConfig({ bots: [{ id: 'm', scenario: 'm.json' }] }, '/c.json').bots[0]!.channels).toBeUndefined();
    expect(() => parseBotsConfig({ bots: [{ id: 'm', scenario: 'm.json', channels: ['sms'] }] }, '/c.json')).toThrow(ConfigError);
    expect(() => parseBotsConfig({ bots: [{ id: 'm', scenario: 'm.json', channels: 'whatsapp' }] }, '/c.json')).toThrow(ConfigError);
  });

  it('log a warning per fallback at load, with its code and position', async () => {
    const { logger, lines } = captureLogger();
    await loadBots([bot(botFile('text'), ['whatsapp'])], new MemoryStore(), parseKeyring('1'.repeat(64)), {}, logger, () => 1_000);
    expect(lines.filter((l) => l['level'] === 'WARNING').map((l) => [l['code'], String(l['at']).split(':').slice(-2).join(':')])).toEqual([['CHANNEL_TOO_MANY_BUTTONS', '8:18']]);
  });

  it('default to Telegram and the web chat: nothing to warn of there', async () => {
    const { logger, lines } = captureLogger();
    await loadBots([bot(botFile('contact'))], new MemoryStore(), parseKeyring('1'.repeat(64)), {}, logger, () => 1_000);
    expect(lines.filter((l) => l['level'] === 'WARNING')).toEqual([]);
  });

  it('stop the start on an input a channel cannot receive', async () => {
    const { logger } = captureLogger();
    const loading = loadBots([bot(botFile('contact'), ['messenger'])], new MemoryStore(), parseKeyring('1'.repeat(64)), {}, logger, () => 1_000);
    await expect(loading).rejects.toBeInstanceOf(ScenarioLoadError);
    await expect(loading).rejects.toThrow(/CHANNEL_INPUT_UNSUPPORTED/);
  });
});
