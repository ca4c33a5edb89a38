import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { compileScenario, emitMachineConfig, hasErrors } from '../../compiler/index.js';
import type { BotScenario } from '../store/index.js';
import { botOf, param, type AdminDeps } from './admin-context.js';

const SCENARIO_LIMIT = '1mb';

const summary = (s: Omit<BotScenario, 'source' | 'machine'>) => ({ version: s.version, hash: s.hash, format: s.format, createdAt: s.createdAt });

/** The scenario's format: ?format=, else the Content-Type (JSON or plain text for .scn). */
function formatOf(ctx: Context): 'json' | 'scn' {
  const q = ctx.query['format'];
  if (q === 'json' || q === 'scn') return q;
  if (q !== undefined) ctx.throw(400, 'format must be json or scn');
  if (ctx.is('application/json')) return 'json';
  if (ctx.is('text/plain', 'text/x-scn')) return 'scn';
  return ctx.throw(415, 'send the scenario as application/json (JSON) or text/plain (.scn), or name it with ?format=json|scn');
}

/**
 * Bots and their scenario versions. An upload is compiled like `scenarist check`: any error answers 422 with
 * every diagnostic, and nothing is stored. A clean one becomes the bot's newest version and runs from the next
 * message on (other processes pick it up within SCENARIO_REFRESH_SECONDS).
 */
export function mountAdminScenarios(router: Router, deps: AdminDeps): void {
  router.get('/api/bots', async (ctx) => {
    const bots = await Promise.all(
      deps.bots().map(async (b) => {
        const config = deps.manager.configOf(b.id);
        const scenario = config ? await deps.store.getScenario(b.id, config.version) : undefined;
        return { id: b.id, name: b.name, scenario: scenario ? summary(scenario) : null, dialogs: await deps.store.countDialogs(b.id) };
      }),
    );
    ctx.body = { bots };
  });

  router.get('/api/bots/:botId/scenarios', async (ctx) => {
    const bot = botOf(ctx, deps);
    const active = deps.manager.configOf(bot.id)?.version;
    const versions = await deps.store.listScenarios(bot.id);
    ctx.body = { botId: bot.id, active: versions.find((v) => v.hash === active)?.version ?? null, versions: versions.map(summary) };
  });

  router.get('/api/bots/:botId/scenarios/:version', async (ctx) => {
    const bot = botOf(ctx, deps);
    const version = Number(param(ctx, 'version'));
    if (!Number.isSafeInteger(version) || version < 1) ctx.throw(400, 'the version must be a positive integer');
    const scenario = (await deps.store.listScenarios(bot.id)).find((s) => s.version === version);
    const full = scenario && (await deps.store.getScenario(bot.id, scenario.hash));
    if (!full) return ctx.throw(404, `bot ${bot.id} has no scenario version ${version}`);
    ctx.body = { ...summary(full), source: full.source, machine: full.machine };
  });

  const rawText = bodyParser({
    enableTypes: ['text'],
    // JSON is compiled from its text, so its mistakes come back with line and column, not as a bare 400.
    // Any other type is read too, so ?format= works with curl's default form type; formatOf answers 415 without it.
    extendTypes: { text: ['application/json', 'text/plain', 'text/x-scn', '*/*'] },
    textLimit: SCENARIO_LIMIT,
    encoding: 'utf-8',
  });
  router.post('/api/bots/:botId/scenarios', rawText, async (ctx) => {
    const bot = botOf(ctx, deps);
    const format = formatOf(ctx);
    const source = typeof ctx.request.body === 'string' ? ctx.request.body : '';
    if (source.trim() === '') ctx.throw(400, 'the body is empty: send the scenario source');
    const file = `${bot.id}.${format}`;
    const result = compileScenario(source, { file });
    if (!result.ir || hasErrors(result.diagnostics)) {
      ctx.status = 422;
      ctx.body = { error: { code: 'SCENARIO_ERRORS', message: `the scenario has ${result.diagnostics.filter((d) => d.severity === 'error').length} error(s): nothing was stored` }, diagnostics: result.diagnostics };
      return;
    }
    const config = emitMachineConfig(result.ir);
    const newest = (await deps.store.listScenarios(bot.id))[0];
    const stored = await deps.store.putScenario({ botId: bot.id, hash: config.version, format, source, machine: config, createdAt: deps.clock() });
    const created = newest === undefined || stored.version > newest.version;
    // The bot runs its newest version; an upload equal to an older one does not roll back.
    const active = stored.version >= (newest?.version ?? 0);
    if (active) deps.manager.registerBot(bot.id, config);
    deps.logger.info({ event_type: 'ADMIN', bot_id: bot.id, version: stored.version, hash: stored.hash.slice(0, 12), created, active }, 'scenario uploaded');
    ctx.status = created ? 201 : 200;
    ctx.body = {
      ...summary(stored),
      created,
      active,
      warnings: result.diagnostics,
      ...(active ? {} : { message: `this scenario is the older version ${stored.version}; the bot runs its newest version ${newest!.version}` }),
    };
  });
}
