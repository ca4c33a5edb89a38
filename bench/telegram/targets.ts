/** The servers under test, each started the same way: a node process with env, pinned to core 0. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Everything a run knows when it starts a server. */
export interface RunContext {
  readonly port: number;
  /** The fake Bot API's root URL. */
  readonly apiRoot: string;
  /** A fresh temporary directory, removed after the run. */
  readonly dir: string;
  readonly token: string;
}

export interface Target {
  readonly name: string;
  readonly command: string;
  args(ctx: RunContext): string[];
  env(ctx: RunContext): Record<string, string>;
  webhookUrl(port: number): string;
  readonly secret: string;
  readyUrl(port: number): string;
  /** Files whose size is reported by the memory phase (the SQLite database and its WAL). */
  dataFiles?(ctx: RunContext): string[];
  /** Variables added on top of env() by SERVER_ENV or OURS_<X>_ENV (reported with the figures). */
  readonly addedEnv?: Readonly<Record<string, string>>;
}

// The package root: dist/bench/telegram/ when built, bench/telegram/ under the tests.
const root = [new URL('../../../', import.meta.url), new URL('../../', import.meta.url)].map((u) => fileURLToPath(u)).find((d) => existsSync(join(d, 'package.json')))!;
const scenario = join(root, 'examples', 'spec-example.json');
const SECRET = 'bench-secret_0123456789';
const local = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;

/** The node flags of a checkout's `npm start` (`node FLAGS bin/scenarist.js serve`), so each version runs as it ships. */
export function startFlags(checkout: string): string[] {
  const start = (JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts?.['start'] ?? '';
  const words = start.split(/\s+/).filter(Boolean);
  if (words[0] !== 'node') throw new Error(`${checkout}: npm start is not "node FLAGS bin/scenarist.js serve": ${JSON.stringify(start)}`);
  return words.slice(1, words.findIndex((w, i) => i > 0 && !w.startsWith('-')));
}

export const ours: Target = {
  name: 'ours',
  command: process.execPath,
  args: (ctx) => {
    const config = join(ctx.dir, 'scenarist.config.json');
    writeFileSync(config, JSON.stringify({ bots: [{ id: 'bench', scenario }] }));
    // The command line of `npm start`, V8 flags included.
    return [...startFlags(root), join(root, 'bin', 'scenarist.js'), 'serve', '--config', config];
  },
  env: (ctx) => ({
    PORT: String(ctx.port),
    DATABASE_URL: join(ctx.dir, 'scenarist.db'),
    TELEGRAM_API_ROOT: ctx.apiRoot,
    TELEGRAM_MODE: 'webhook',
    ENCRYPTION_KEY: '5c'.repeat(32),
    TELEGRAM_TOKEN_BENCH: ctx.token,
    TELEGRAM_WEBHOOK_SECRET_BENCH: SECRET,
  }),
  webhookUrl: (port) => local(port, '/webhooks/telegram/bench'),
  secret: SECRET,
  readyUrl: (port) => local(port, '/readyz'),
  dataFiles: (ctx) => [join(ctx.dir, 'scenarist.db'), join(ctx.dir, 'scenarist.db-wal')],
};

export const telegraf: Target = {
  name: 'telegraf',
  command: process.execPath,
  args: () => [join(root, 'dist', 'bench', 'telegram', 'peer-telegraf.js')],
  env: (ctx) => ({ PORT: String(ctx.port), API_ROOT: ctx.apiRoot, TOKEN: ctx.token, SECRET }),
  webhookUrl: (port) => local(port, '/webhooks/telegram/bench'),
  secret: SECRET,
  readyUrl: (port) => local(port, '/readyz'),
};

/** telegraf with its default webhookReply: answerCallbackQuery carried in the webhook's HTTP answer. */
export const telegrafWebhookReply: Target = {
  ...telegraf,
  name: 'telegraf-webhook-reply',
  env: (ctx) => ({ ...telegraf.env(ctx), WEBHOOK_REPLY: 'true' }),
};

/** Ours with replies sent through telegraf's own client (TELEGRAM_SENDER=telegraf); run with TARGETS=ours,ours-telegraf-sender,telegraf. */
export const oursTelegrafSender: Target = {
  ...ours,
  name: 'ours-telegraf-sender',
  env: (ctx) => ({ ...ours.env(ctx), TELEGRAM_SENDER: 'telegraf' }),
};

/** Ours with logging off (errors only, no file): the baseline of the logging cost. TARGETS=ours-log-off,ours-log-file */
export const oursLogOff: Target = {
  ...ours,
  name: 'ours-log-off',
  env: (ctx) => ({ ...ours.env(ctx), BOT_LOG_LEVEL: 'ERROR', BOT_FILE_LOGGING: 'false' }),
};

/** Ours with the conversation log at INFO written to rotating files (and the console). */
export const oursLogFile: Target = {
  ...ours,
  name: 'ours-log-file',
  env: (ctx) => ({ ...ours.env(ctx), BOT_LOG_LEVEL: 'INFO', BOT_FILE_LOGGING: 'true', BOT_LOG_DIR: join(ctx.dir, 'logs') }),
};

/**
 * Ours from another built checkout (BASELINE_DIR), to compare two versions in one invocation:
 * `git worktree add /tmp/base REV`, build it there, then BASELINE_DIR=/tmp/base TARGETS=ours,ours-baseline.
 */
export const oursBaseline: Target = {
  ...ours,
  name: 'ours-baseline',
  args: (ctx) => {
    const dir = process.env['BASELINE_DIR'];
    if (!dir) throw new Error('ours-baseline needs BASELINE_DIR: the root of a built checkout to compare with');
    const script = join(root, 'bin', 'scenarist.js');
    const args = ours.args(ctx);
    return [...startFlags(dir), ...args.slice(args.indexOf(script)).map((a) => (a === script ? join(dir, 'bin', 'scenarist.js') : a))];
  },
};

export const TARGETS: readonly Target[] = [ours, oursTelegrafSender, telegraf, telegrafWebhookReply, oursLogOff, oursLogFile, oursBaseline];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `K=V,K=V` as variables; a comma not followed by `NAME=` belongs to the value before it. */
export function parseEnvList(text: string | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === undefined || text.trim() === '') return out;
  for (const part of text.split(/,(?=\s*[A-Za-z_][A-Za-z0-9_]*=)/)) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    if (eq <= 0 || !ENV_NAME.test(key)) throw new Error(`${what}: ${JSON.stringify(part)} is not NAME=value (write ${what}='K=V,K=V')`);
    out[key] = part.slice(eq + 1);
  }
  return out;
}

const isOurs = (name: string) => name === 'ours' || name.startsWith('ours-');
/** The variable that configures the ad-hoc target `ours-<x>`: OURS_<X>_ENV. */
export const variantEnvName = (name: string) => `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_ENV`;

/** `NODE_FLAGS` among the added variables: node's command-line flags in place of `npm start`'s (space-separated). */
const NODE_FLAGS = 'NODE_FLAGS';

function withAddedEnv(t: Target, name: string, added: Record<string, string>): Target {
  if (name === t.name && Object.keys(added).length === 0) return t;
  const { [NODE_FLAGS]: flags, ...vars } = added;
  const args = flags === undefined ? t.args : (ctx: RunContext) => withNodeFlags(t.args(ctx), flags);
  return { ...t, name, addedEnv: added, args, env: (ctx) => ({ ...t.env(ctx), ...vars }) };
}

/** The script and its arguments after `flags` (the target's own node flags dropped). */
function withNodeFlags(args: readonly string[], flags: string): string[] {
  const script = args.findIndex((a) => !a.startsWith('-'));
  return [...flags.split(/\s+/).filter(Boolean), ...args.slice(script)];
}

/**
 * The targets named (in that order). Every ours-* target gets SERVER_ENV on top of its own variables; a name
 * `ours-<x>` that is not a built-in target is ours with SERVER_ENV and then OURS_<X>_ENV, so that two
 * configurations run side by side: TARGETS=ours,ours-b OURS_B_ENV='K=V'. The variable NODE_FLAGS among them is
 * not passed on: it replaces the node flags of `npm start` (OURS_B_ENV='NODE_FLAGS=--max-semi-space-size=16').
 */
export function targetsFor(names: readonly string[], env: Readonly<Record<string, string | undefined>>): Target[] {
  const common = parseEnvList(env['SERVER_ENV'], 'SERVER_ENV');
  return [...new Set(names)].map((name) => {
    const known = TARGETS.find((t) => t.name === name);
    if (known) return isOurs(name) ? withAddedEnv(known, name, common) : known;
    const variable = variantEnvName(name);
    if (isOurs(name) && env[variable] !== undefined) return withAddedEnv(ours, name, { ...common, ...parseEnvList(env[variable], variable) });
    throw new Error(
      `unknown target ${JSON.stringify(name)}: use ${TARGETS.map((t) => t.name).join(', ')}, ` +
        `or ours-<x> with ${isOurs(name) ? variable : 'OURS_<X>_ENV'}='K=V,K=V'`,
    );
  });
}
