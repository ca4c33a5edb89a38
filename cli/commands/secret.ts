import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError, type Io } from '../io.js';
import type { Command } from './command.js';

/** Bytes read from stdin for one value at most (a value is a header value, not a file). */
const MAX_INPUT_BYTES = 64 * 1024;

export const secretCommand: Command = {
  name: 'secret',
  summary: "Set, list or delete a bot's secrets for its calls' {{secret.NAME}}",
  usage: 'scenarist secret set BOT NAME | secret list BOT | secret delete BOT NAME  [--database URL] [--json]',
  help: `Manages the secrets a bot's HTTP calls use in their headers as {{secret.NAME}}, in the store that
\`scenarist serve\` uses, encrypted with the same key (ENCRYPTION_KEY, else the key file in DATA_DIR).

  set BOT NAME     reads the value from standard input (one line; it is never taken from the command line,
                   so it stays out of the shell's history): printf '%s\\n' "$TOKEN" | scenarist secret set shop CRM_TOKEN
  list BOT         the names of the bot's secrets and when each was set (never a value)
  delete BOT NAME  removes one

NAME is 1 to 64 characters of A-Z, 0-9 and _. The environment variable SCENARIST_SECRET_<NAME> of the server,
when set, wins over the stored value. A running server sees a change within 60 seconds.

Options:
  --database URL   the store (default: $DATABASE_URL, else SQLite at data/scenarist.db): a SQLite path,
                   sqlite:PATH, mongodb://…
  --json           list: the names and times as JSON
  --help           show this help

Environment: DATABASE_URL, ENCRYPTION_KEY, DATA_DIR (as for serve).
Exit status: 0 done; 1 the store cannot be used, or there is no such secret to delete; 2 a usage mistake.`,
  options: {
    database: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(io: Io, args) {
    const [action, botId, name, ...extra] = args.positionals;
    if (action !== 'set' && action !== 'list' && action !== 'delete') throw new UsageError('say set, list or delete');
    if (botId === undefined || botId.trim() === '') throw new UsageError(`secret ${action} needs the bot's id`);
    const wantsName = action !== 'list';
    if (wantsName && name === undefined) throw new UsageError(`secret ${action} needs the secret's name`);
    if (extra.length > 0 || (!wantsName && name !== undefined)) {
      throw new UsageError(action === 'set' ? 'the value is read from standard input, never from the command line' : 'too many arguments');
    }
    const secrets = await import('../../runtime/secrets/index.js');
    if (wantsName) {
      const problem = secrets.secretNameProblem(name!);
      if (problem) throw new UsageError(`${JSON.stringify(name)}: ${problem}`);
    }
    let value = '';
    if (action === 'set') {
      if ((io.stdin as { isTTY?: boolean }).isTTY) io.stderr(`value of ${name} for bot ${botId} (one line): `);
      value = await readLine(io, Boolean((io.stdin as { isTTY?: boolean }).isTTY));
      const problem = secrets.secretValueProblem(value);
      if (problem) throw new UsageError(`the value read from standard input: ${problem}`);
    }

    const database = args.values['database'];
    const fromOption = typeof database === 'string' ? database.trim() : undefined;
    const url = fromOption || process.env['DATABASE_URL']?.trim() || undefined;
    const where = fromOption ? '--database' : url !== undefined ? 'DATABASE_URL' : 'the default database';
    const { openStore, parseDatabaseUrl, DEFAULT_SQLITE_FILE } = await import('../../runtime/store/index.js');
    let location;
    try {
      location = parseDatabaseUrl(url);
    } catch (err) {
      throw new UsageError((err as Error).message.replace('DATABASE_URL', where));
    }
    if (action !== 'set' && location.kind === 'sqlite' && location.file !== ':memory:') {
      // Opening a missing SQLite file would create an empty database: say there is none instead.
      const file = isAbsolute(location.file) ? location.file : resolve(io.cwd, location.file);
      if (!existsSync(file)) {
        io.stderr(`scenarist secret: no database at ${file}${url === undefined ? ` (${DEFAULT_SQLITE_FILE}; set DATABASE_URL or --database)` : ` (${where})`}.\n`);
        return 1;
      }
    }
    let store;
    try {
      store = await openStore(url, { cwd: io.cwd, mongoServerSelectionTimeoutMS: 5000 });
    } catch (err) {
      io.stderr(`scenarist secret: cannot open the store (${where}): ${(err as Error).message}\n`);
      return 1;
    }
    try {
      if (action === 'list') {
        const list = await secrets.listBotSecrets(store, botId);
        if (args.values['json'] === true) io.stdout(`${JSON.stringify(list)}\n`);
        else if (list.length === 0) io.stdout(`bot ${botId} has no stored secrets\n`);
        else for (const s of list) io.stdout(`${s.name}  ${new Date(s.updatedAt).toISOString()}\n`);
        return 0;
      }
      if (action === 'delete') {
        if (await secrets.deleteBotSecret(store, botId, name!)) {
          io.stdout(`deleted the secret ${name} of bot ${botId}\n`);
          return 0;
        }
        io.stderr(`scenarist secret: bot ${botId} has no stored secret ${name}\n`);
        return 1;
      }
      const dataDir = resolve(io.cwd, process.env['DATA_DIR'] || 'data');
      const keyFile = join(dataDir, 'encryption.key');
      const { keyring, generated, source } = secrets.loadKeyring(process.env['ENCRYPTION_KEY'], keyFile);
      if (generated) io.stderr(`scenarist secret: ENCRYPTION_KEY is not set: a new key was made in ${keyFile}; the server must use the same key\n`);
      else if (source === 'file') io.stderr(`scenarist secret: ENCRYPTION_KEY is not set: encrypted with the key in ${keyFile}\n`);
      if (!(await store.getBot(botId))) io.stderr(`scenarist secret: the store knows no bot ${botId} yet (it is recorded when serve first starts it); the secret is stored for it anyway\n`);
      await secrets.putBotSecret(store, keyring, botId, name!, value, Date.now());
      io.stdout(`set the secret ${name} of bot ${botId}\n`);
      return 0;
    } catch (err) {
      const { StoreUnavailableError } = await import('../../runtime/store/index.js');
      if (err instanceof secrets.KeyError || err instanceof StoreUnavailableError) {
        io.stderr(`scenarist secret: ${err.message}\n`);
        return 1;
      }
      throw err;
    } finally {
      await store.close();
    }
  },
};

/** The first line of standard input, without its line break; refuses more than one non-empty line. */
async function readLine(io: Io, terminal: boolean): Promise<string> {
  let text = '';
  let bytes = 0;
  for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
    const part = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    bytes += Buffer.byteLength(part);
    if (bytes > MAX_INPUT_BYTES) throw new UsageError(`standard input holds more than ${MAX_INPUT_BYTES} bytes: one line is expected`);
    text += part;
    // At a terminal the line ends with Enter, not with the end of input.
    if (terminal && text.includes('\n')) break;
  }
  const line = text.replace(/\r?\n$/, '');
  if (/[\r\n]/.test(line)) throw new UsageError('standard input holds more than one line: the value is one line');
  return line;
}
