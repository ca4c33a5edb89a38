import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compileScenario, DEFAULT_CHANNELS, emitMachineConfig, type Diagnostic, type IrScenario, type MachineConfig } from '../../compiler/index.js';
import { ShippedFileError, shippedPaths, type ShippedFiles } from '../media/index.js';
import type { Logger } from '../log/index.js';
import { addSecretValues } from '../log/index.js';
import { deriveWebhookSecret, type Keyring } from '../secrets/index.js';
import { activateVersion, type BotScenario, type Store } from '../store/index.js';
import type { BotConfig } from './bots-config.js';
import { compileStored } from './compile-stored.js';
import { parseCredentialFields, resolveCredential } from './platform-credentials.js';
import { credentialsFromEnv, messengerEnvNames, tokenEnvName, webhookSecretEnvName, whatsappEnvNames, type Env, type MessengerCredentials, type WhatsAppCredentials } from './settings.js';

export interface LoadedBot {
  readonly id: string;
  readonly name: string;
  readonly config: MachineConfig;
  /** Scenario version number in the store. */
  readonly version: number;
  readonly telegram?: { readonly token: string; readonly secret: string };
  /** From the WHATSAPP_*_<BOT ID> variables (stored encrypted), else the stored ones. */
  readonly whatsapp?: WhatsAppCredentials;
  /** From the MESSENGER_*_<BOT ID> variables (stored encrypted), else the stored ones. */
  readonly messenger?: MessengerCredentials;
}

/** A scenario with errors: the server does not start with it. */
export class ScenarioLoadError extends Error {
  override readonly name = 'ScenarioLoadError';
}

/**
 * Compiles each bot's scenario (refusing to start on any error), puts the files its steps send into the media store
 * (refusing to start when one is missing), records bot, scenario version and encrypted token in the store, and
 * resolves the token: from the environment when set, else the stored credential.
 */
export async function loadBots(bots: readonly BotConfig[], store: Store, keyring: Keyring, env: Env, logger: Logger, now: () => number, shipped?: ShippedFiles): Promise<LoadedBot[]> {
  const compiled = bots.map((bot) => ({ bot, ...compileBot(bot) }));
  const failures = compiled.filter((c) => c.errors.length > 0);
  if (failures.length > 0) throw new ScenarioLoadError(failures.flatMap((f) => [`bot ${f.bot.id}: the scenario has errors`, ...f.errors]).join('\n'));
  // What a channel shows otherwise than written (a list, a numbered menu, a split text) is said once, at load.
  for (const c of compiled) for (const d of c.channelWarnings ?? []) logger.warn({ botId: c.bot.id, code: d.code, at: `${d.file}:${d.line}:${d.column}` }, d.message);
  if (shipped) await shipAll(shipped, compiled.map((c) => ({ botId: c.bot.id, ir: c.ir! })));
  const out: LoadedBot[] = [];
  for (const { bot, source, config } of compiled) {
    const at = now();
    const existing = await store.getBot(bot.id);
    await store.upsertBot({ id: bot.id, accountId: bot.account, name: bot.name, createdAt: existing?.createdAt ?? at, updatedAt: at });
    const newest = (await store.listScenarios(bot.id))[0];
    const fromFile = await store.putScenario({ botId: bot.id, hash: config!.version, format: bot.scenario.endsWith('.scn') ? 'scn' : 'json', source, machine: config, createdAt: at });
    // A changed file is a deploy: its new version runs. An unchanged one leaves the active version (a rollback).
    if (!newest || fromFile.version > newest.version) await activateVersion(store, bot.id, fromFile.version, at);
    const { scenario, config: running, ir: runningIr } = await activeVersion(bot.id, fromFile, config!, store, logger);
    // An active version uploaded through the admin API: its files too (a missing one is logged, and left out when sent).
    if (shipped && runningIr) await shipped.ship(bot.id, shippedPaths(runningIr)).catch((err: unknown) => logger.error({ botId: bot.id, err }, 'a file the active scenario version sends cannot be stored'));
    const token = await resolveToken(bot.id, store, keyring, env, logger, at);
    const secret = token === undefined ? undefined : env[webhookSecretEnvName(bot.id)] || deriveWebhookSecret(token);
    const whatsapp = await resolveFields<keyof WhatsAppCredentials>({ botId: bot.id, platform: 'whatsapp', label: 'WhatsApp credentials', names: whatsappEnvNames(bot.id), idField: 'phoneNumberId' }, store, keyring, env, logger, at);
    const messenger = await resolveFields<keyof MessengerCredentials>({ botId: bot.id, platform: 'messenger', label: 'Messenger credentials', names: messengerEnvNames(bot.id), idField: 'pageId' }, store, keyring, env, logger, at);
    out.push({ id: bot.id, name: bot.name, config: running, version: scenario.version, ...(token !== undefined && secret !== undefined ? { telegram: { token, secret } } : {}), ...(whatsapp ? { whatsapp } : {}), ...(messenger ? { messenger } : {}) });
    logger.info({ botId: bot.id, scenario: scenario.hash === fromFile.hash ? bot.scenario : 'stored', version: scenario.version, hash: running.version.slice(0, 12), telegram: token !== undefined, whatsapp: whatsapp !== undefined, messenger: messenger !== undefined }, 'bot loaded');
  }
  return out;
}

/**
 * A bot runs its active scenario version: the file's after a deploy, else the one uploaded or activated through the
 * admin API. An active version that no longer compiles is logged and the file's runs.
 */
async function activeVersion(botId: string, fromFile: BotScenario, config: MachineConfig, store: Store, logger: Logger): Promise<{ scenario: BotScenario; config: MachineConfig; ir?: IrScenario }> {
  const active = await store.getScenario(botId);
  if (!active || active.hash === fromFile.hash) return { scenario: fromFile, config };
  const compiled = compileStored(active);
  if (!compiled.config) {
    logger.error({ botId, version: active.version }, 'the active stored scenario version does not compile: the bot runs the one from its file');
    return { scenario: fromFile, config };
  }
  return { scenario: active, config: compiled.config, ...(compiled.ir ? { ir: compiled.ir } : {}) };
}

/** The files of every bot's scenario file, stored; one error naming every missing file of every bot. */
async function shipAll(shipped: ShippedFiles, bots: readonly { botId: string; ir: IrScenario }[]): Promise<void> {
  const problems: string[] = [];
  for (const { botId, ir } of bots) {
    try {
      await shipped.ship(botId, shippedPaths(ir));
    } catch (err) {
      if (!(err instanceof ShippedFileError)) throw err;
      problems.push(...err.problems.map((p) => `bot ${botId}: shipped file ${p.path}: ${p.reason}`));
    }
  }
  if (problems.length > 0) throw new ScenarioLoadError(problems.join('\n'));
}

function compileBot(bot: BotConfig): { source: string; config?: MachineConfig; ir?: IrScenario; errors: string[]; channelWarnings?: readonly Diagnostic[] } {
  let source: string;
  try {
    source = readFileSync(bot.scenario, 'utf8');
  } catch (err) {
    return { source: '', errors: [`cannot read ${bot.scenario}: ${(err as Error).message}`] };
  }
  // A missing shipped file is a diagnostic with its position, as `scenarist check` reports it.
  const result = compileScenario(source, { file: bot.scenario, fileExists: shippedFileExists(bot.scenario), channels: bot.channels ?? DEFAULT_CHANNELS });
  const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d: Diagnostic) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
  if (!result.ir || errors.length > 0) return { source, errors: errors.length > 0 ? errors : [`${bot.scenario}: could not be compiled`] };
  const channelWarnings = result.diagnostics.filter((d) => d.severity === 'warning' && d.code.startsWith('CHANNEL_'));
  return { source, config: emitMachineConfig(result.ir), ir: result.ir, errors: [], channelWarnings };
}

/** Whether a file a scenario ships exists: its path is relative to the scenario file's folder. */
function shippedFileExists(scenarioPath: string): (relativePath: string) => boolean {
  const folder = dirname(scenarioPath);
  return (relativePath) => {
    try {
      return statSync(resolve(folder, relativePath)).isFile();
    } catch {
      return false;
    }
  };
}

async function resolveToken(botId: string, store: Store, keyring: Keyring, env: Env, logger: Logger, at: number): Promise<string | undefined> {
  const fromEnv = env[tokenEnvName(botId)]?.trim() || undefined;
  if (fromEnv !== undefined && !/^\d+:[A-Za-z0-9_-]{20,}$/.test(fromEnv)) {
    logger.error({ botId, variable: tokenEnvName(botId) }, 'the Telegram token does not look like one from @BotFather (digits:letters): the bot runs without Telegram');
    return undefined;
  }
  return resolveCredential({ botId, platform: 'telegram', label: 'Telegram token', fromEnv }, store, keyring, logger, at);
}

interface FieldsSource<K extends string> {
  readonly botId: string;
  readonly platform: string;
  readonly label: string;
  /** Each value's variable name. */
  readonly names: Readonly<Record<K, string>>;
  /** The value that names the account (a phone number id, a page id): digits. */
  readonly idField: K;
}

/**
 * Credentials made of several values (WhatsApp, Messenger), kept as one encrypted credential; the secret ones are
 * masked in every log line. A half-done set of variables is named in an error, and the stored ones are used.
 */
async function resolveFields<K extends string>(source: FieldsSource<K>, store: Store, keyring: Keyring, env: Env, logger: Logger, at: number): Promise<Record<K, string> | undefined> {
  const { botId, platform, label, names, idField } = source;
  const fromEnv = credentialsFromEnv(env, names);
  if (fromEnv.missing.length > 0) logger.error({ botId, missing: fromEnv.missing }, `${label} half set up: ${fromEnv.missing.join(', ')} missing (the stored ones are used, if any)`);
  if (fromEnv.values && !/^\d{1,32}$/.test(fromEnv.values[idField])) {
    logger.error({ botId, variable: names[idField] }, `${names[idField]} must be digits: the bot runs without ${platform}`);
    return undefined;
  }
  const text = await resolveCredential({ botId, platform, label, fromEnv: fromEnv.values ? JSON.stringify(fromEnv.values) : undefined }, store, keyring, logger, at);
  if (text === undefined) return undefined;
  const fields = Object.keys(names) as K[];
  const values = parseCredentialFields(text, fields);
  if (!values) {
    logger.error({ botId }, `the stored ${label} are not readable: set the variables again`);
    return undefined;
  }
  addSecretValues(fields.filter((f) => f !== idField).map((f) => values[f]));
  return values;
}
