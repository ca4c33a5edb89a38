import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The admin API's bearer token: ADMIN_TOKEN, else one generated once into the data directory, so a development
 * server has a working dashboard link without any setup and keeps it across restarts.
 */
export function loadAdminToken(envValue: string | undefined, file: string): { token: string; source: 'env' | 'file'; generated: boolean } {
  if (envValue) return { token: envValue, source: 'env', generated: false };
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return { token, source: 'file', generated: false };
  }
  mkdirSync(dirname(file), { recursive: true });
  const token = randomBytes(24).toString('base64url');
  // Two servers starting on one data directory: the first file wins, the second reads it.
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { token: readFileSync(file, 'utf8').trim(), source: 'file', generated: false };
  }
  return { token, source: 'file', generated: true };
}
