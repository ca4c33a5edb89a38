import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_GROUP_DIALOGS, GROUP_DIALOGS, type GroupDialogs } from '../adapters/telegram/address.js';
import { CHANNEL_IDS, isChannelId, type ChannelId } from '../../compiler/index.js';
import { normalHost } from './settings.js';

/** A bot's Telegram settings (`"telegram": { ... }`), each with its default. */
export interface BotTelegramConfig {
  /** In a group, whose conversation a message advances: each member's own ("member") or one for the whole chat ("chat"). */
  readonly groupDialogs: GroupDialogs;
}

export const DEFAULT_BOT_TELEGRAM_CONFIG: BotTelegramConfig = Object.freeze({ groupDialogs: DEFAULT_GROUP_DIALOGS });
const TELEGRAM_KNOWN = new Set(['groupDialogs']);

/** One bot of the config file. Tokens are not in the file: they come from the environment (tokenEnvName). */
export interface BotConfig {
  readonly id: string;
  readonly name: string;
  readonly account: string;
  /** Absolute path of the scenario file. */
  readonly scenario: string;
  readonly telegram: BotTelegramConfig;
  /** Hosts with private addresses this bot's calls may reach, besides CALLS_ALLOWED_HOSTS (`"calls": { "allowedHosts": [...] }`). */
  readonly callsAllowedHosts: readonly string[];
  /** The channels the scenario is checked against at load (`"channels": [...]`); absent: DEFAULT_CHANNELS. */
  readonly channels?: readonly ChannelId[];
}

export interface BotsConfig {
  readonly file: string;
  readonly bots: readonly BotConfig[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Bot ids appear in URLs and environment variable names. */
const BOT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const KNOWN = new Set(['id', 'name', 'account', 'scenario', 'telegram', 'calls', 'channels']);

/** The `calls` object of a bot: `{ "allowedHosts": ["crm.internal", "localhost"] }`; problems are added to `problems`. */
function callsAllowedHosts(raw: unknown, at: string, problems: string[]): readonly string[] {
  if (raw === undefined) return [];
  const hosts = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>)['allowedHosts'] : undefined;
  const extra = typeof raw === 'object' && raw !== null ? Object.keys(raw).filter((k) => k !== 'allowedHosts') : [];
  if (!Array.isArray(hosts) || extra.length > 0) {
    problems.push(`${at}.calls: expected { "allowedHosts": ["host", ...] }`);
    return [];
  }
  const out: string[] = [];
  for (const h of hosts) {
    const host = typeof h === 'string' ? normalHost(h) : undefined;
    if (host === undefined) problems.push(`${at}.calls.allowedHosts: ${JSON.stringify(h)} is not a host name or an address (no scheme, port or path)`);
    else out.push(host);
  }
  return Object.freeze(out);
}

/** The `channels` list of a bot: `["telegram", "whatsapp"]`; problems are added to `problems`. */
function channelList(raw: unknown, at: string, problems: string[]): readonly ChannelId[] | undefined {
  if (raw === undefined) return undefined;
  const expected = `${at}.channels: expected a list of channels, some of ${CHANNEL_IDS.map((c) => JSON.stringify(c)).join(', ')}`;
  if (!Array.isArray(raw)) return void problems.push(expected);
  const bad = raw.filter((c) => typeof c !== 'string' || !isChannelId(c));
  if (bad.length > 0) return void problems.push(`${expected}; ${bad.map((c) => JSON.stringify(c)).join(', ')} is not one`);
  return Object.freeze([...new Set(raw as ChannelId[])]);
}

/** The `telegram` object of a bot; problems are added to `problems`. */
function telegramConfig(raw: unknown, at: string, problems: string[]): BotTelegramConfig {
  if (raw === undefined) return DEFAULT_BOT_TELEGRAM_CONFIG;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${at}.telegram: expected an object, e.g. { "groupDialogs": "member" }`);
    return DEFAULT_BOT_TELEGRAM_CONFIG;
  }
  const t = raw as Record<string, unknown>;
  for (const k of Object.keys(t)) if (!TELEGRAM_KNOWN.has(k)) problems.push(`${at}.telegram: unknown field ${JSON.stringify(k)} (fields: ${[...TELEGRAM_KNOWN].join(', ')})`);
  const groupDialogs = t['groupDialogs'] ?? DEFAULT_GROUP_DIALOGS;
  if (!GROUP_DIALOGS.includes(groupDialogs as GroupDialogs)) {
    problems.push(`${at}.telegram.groupDialogs: ${JSON.stringify(groupDialogs)} must be one of ${GROUP_DIALOGS.map((g) => JSON.stringify(g)).join(', ')}`);
    return DEFAULT_BOT_TELEGRAM_CONFIG;
  }
  return Object.freeze({ groupDialogs: groupDialogs as GroupDialogs });
}

/**
 * Reads the config file: `{ "bots": [ { "id": "greeter", "scenario": "examples/spec-example.json" } ] }`.
 * Scenario paths are relative to the file. Every problem is reported at once.
 */
export function loadBotsConfig(file: string): BotsConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseBotsConfig(raw, path);
}

export function parseBotsConfig(raw: unknown, path: string): BotsConfig {
  const problems: string[] = [];
  const bots: BotConfig[] = [];
  const list = (raw as { bots?: unknown } | null)?.bots;
  if (typeof raw !== 'object' || raw === null || !Array.isArray(list)) {
    throw new ConfigError(`${path}: expected an object with a "bots" array, e.g. { "bots": [ { "id": "greeter", "scenario": "greeter.json" } ] }`);
  }
  const seen = new Set<string>();
  list.forEach((entry: unknown, i) => {
    const at = `${path}: bots[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return void problems.push(`${at}: expected an object`);
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!KNOWN.has(k)) problems.push(`${at}: unknown field ${JSON.stringify(k)} (fields: ${[...KNOWN].join(', ')}; tokens go in environment variables)`);
    const { id, scenario, name, account } = e;
    if (typeof id !== 'string' || !BOT_ID.test(id)) problems.push(`${at}.id: ${JSON.stringify(id)} must be 1-64 lowercase letters, digits, "-" or "_", starting with a letter or digit`);
    else if (seen.has(id)) problems.push(`${at}.id: ${JSON.stringify(id)} is used twice`);
    if (typeof scenario !== 'string' || scenario === '') problems.push(`${at}.scenario: expected the path of a scenario file`);
    if (name !== undefined && typeof name !== 'string') problems.push(`${at}.name: expected a string`);
    if (account !== undefined && typeof account !== 'string') problems.push(`${at}.account: expected a string`);
    const telegram = telegramConfig(e['telegram'], at, problems);
    const calls = callsAllowedHosts(e['calls'], at, problems);
    const channels = channelList(e['channels'], at, problems);
    if (typeof id === 'string' && BOT_ID.test(id) && !seen.has(id) && typeof scenario === 'string' && scenario !== '') {
      seen.add(id);
      bots.push({ id, name: typeof name === 'string' ? name : id, account: typeof account === 'string' ? account : 'default', scenario: resolve(dirname(path), scenario), telegram, callsAllowedHosts: calls, ...(channels ? { channels } : {}) });
    }
  });
  if (list.length === 0) problems.push(`${path}: "bots" is empty; list at least one bot`);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return { file: path, bots };
}
