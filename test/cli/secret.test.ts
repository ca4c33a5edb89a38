import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BotSecrets, loadKeyring, parseKeyring } from '../../runtime/secrets/index.js';
import { openSqliteStore } from '../../runtime/store/index.js';
import { runCli } from '../support/cli.js';

const KEY = '5'.repeat(64);
const VALUE = 'cli-crm-token-91b8c7d6';

afterEach(() => {
  vi.unstubAllEnvs();
});

function place(): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-secret-cli-'));
  return { dir, db: join(dir, 'db.sqlite') };
}

/** The value serve would send for the bot's {{secret.NAME}}, read from the store with this keyring. */
async function resolved(db: string, keyring: ReturnType<typeof parseKeyring>, botId: string, name: string): Promise<string | undefined> {
  const store = openSqliteStore({ file: db });
  try {
    const lookup = await new BotSecrets({ store, keyring, env: () => undefined }).resolve(botId, [name]);
    return lookup.ok ? lookup.values.get(name) : undefined;
  } finally {
    await store.close();
  }
}

describe('scenarist secret', () => {
  it('sets a value read from standard input, lists names only, and deletes', async () => {
    const { dir, db } = place();
    vi.stubEnv('ENCRYPTION_KEY', KEY);
    const set = await runCli(['secret', 'set', 'shop', 'CRM_TOKEN', '--database', db], { stdin: `${VALUE}\n`, cwd: dir });
    expect(set.code).toBe(0);
    expect(await resolved(db, parseKeyring(KEY), 'shop', 'CRM_TOKEN')).toBe(VALUE);

    const list = await runCli(['secret', 'list', 'shop', '--database', db, '--json'], { cwd: dir });
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as { name: string; updatedAt: number }[];
    expect(listed.map((s) => s.name)).toEqual(['CRM_TOKEN']);
    expect(typeof listed[0]!.updatedAt).toBe('number');
    const text = await runCli(['secret', 'list', 'shop', '--database', db], { cwd: dir });
    expect(text.stdout).toMatch(/^CRM_TOKEN {2}\d{4}-/);
    expect([set, list, text].map((r) => r.stdout + r.stderr).join('')).not.toContain(VALUE);

    expect((await runCli(['secret', 'delete', 'shop', 'CRM_TOKEN', '--database', db], { cwd: dir })).code).toBe(0);
    expect((await runCli(['secret', 'delete', 'shop', 'CRM_TOKEN', '--database', db], { cwd: dir })).code).toBe(1);
    expect(JSON.parse((await runCli(['secret', 'list', 'shop', '--database', db, '--json'], { cwd: dir })).stdout)).toEqual([]);
  });

  it('without ENCRYPTION_KEY uses the key file in DATA_DIR, as serve does', async () => {
    const { dir, db } = place();
    vi.stubEnv('ENCRYPTION_KEY', '');
    vi.stubEnv('DATA_DIR', 'state');
    const set = await runCli(['secret', 'set', 'shop', 'API_KEY', '--database', db], { stdin: VALUE, cwd: dir });
    expect(set.code).toBe(0);
    const keyFile = join(dir, 'state', 'encryption.key');
    expect(existsSync(keyFile)).toBe(true);
    expect(await resolved(db, loadKeyring(undefined, keyFile).keyring, 'shop', 'API_KEY')).toBe(VALUE);
  });

  it('refuses a value on the command line, more than one line, an empty value and a bad name, storing nothing', async () => {
    const { dir, db } = place();
    vi.stubEnv('ENCRYPTION_KEY', KEY);
    const runs = [
      await runCli(['secret', 'set', 'shop', 'CRM_TOKEN', VALUE, '--database', db], { stdin: `${VALUE}\n`, cwd: dir }),
      await runCli(['secret', 'set', 'shop', 'CRM_TOKEN', '--database', db], { stdin: `${VALUE}\nmore\n`, cwd: dir }),
      await runCli(['secret', 'set', 'shop', 'CRM_TOKEN', '--database', db], { stdin: '\n', cwd: dir }),
      await runCli(['secret', 'set', 'shop', 'crm-token', '--database', db], { stdin: `${VALUE}\n`, cwd: dir }),
      await runCli(['secret', 'rotate', 'shop', '--database', db], { cwd: dir }),
    ];
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(runs.map((r) => r.stderr).join('')).not.toContain(VALUE);
    expect(existsSync(db)).toBe(false);
  });

  it('has a --help that says the value comes from standard input', async () => {
    const r = await runCli(['secret', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('standard input');
    expect(r.stdout).toContain('SCENARIST_SECRET_');
  });
});
