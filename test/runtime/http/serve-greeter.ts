import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { silentLogger } from '../../../runtime/log/index.js';
import { startServer, type RunningServer } from '../../../runtime/server/index.js';

/** `scenarist serve` on a SQLite file in `dir`, with the greeter bot (its unchanged file) and no Telegram. */
export async function serveGreeter(dir: string, adminToken: string): Promise<RunningServer> {
  const config = join(dir, 'scenarist.config.json');
  writeFileSync(config, JSON.stringify({ bots: [{ id: 'greeter', name: 'Greeter', scenario: resolve('examples/spec-example.json') }] }));
  return startServer({
    logger: silentLogger(),
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: join(dir, 'db.sqlite'),
      DATA_DIR: dir,
      SCENARIST_CONFIG: config,
      TELEGRAM_MODE: 'webhook',
      ENCRYPTION_KEY: 'd'.repeat(64),
      ADMIN_TOKEN: adminToken,
      SCENARIO_REFRESH_SECONDS: '0',
    },
  });
}
