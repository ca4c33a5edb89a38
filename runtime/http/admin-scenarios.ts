import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { compileScenario, emitMachineConfig, hasErrors, type IrScenario } from '../../compiler/index.js';
import { ShippedFileError, shippedPaths } from '../media/index.js';
import { compileStored } from '../server/compile-stored.js';
import { activateVersion, type ScenarioSummary } from '../store/index.js';
import { botOf, param, type AdminDeps } from './admin-context.js';

const SCENARIO_LIMIT = '1mb';

const summary = (s: ScenarioSummary) => ({ version: s.version, hash: s.hash, format: s.format, createdAt: s.createdAt, activatedAt: s.activatedAt });

const errorCount = (diagnostics: readonly { severity: string }[]) => diagnostics.filter((d) => d.severity === 'error').length;

/** The :version of the route, or 400. */
function versionOf(ctx: Context): number {
  const raw = param(ctx, 'version');
  // Number() would also take 0x1, 1e0 and ' 1': a version is written in decimal, as the API lists it.
  const version = /^[1-9][0-9]*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(version)) ctx.throw(400, 'the version must be a positive integer');
  return version;
}

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
 * every diagnostic, and nothing is stored. A clean one means "run this": it becomes (or, when equal to a stored
 * version, activates) the bot's active version, which runs from the next message on. Activating a version by number
 * is the rollback. Other processes pick the active version up within SCENARIO_REFRESH_SECONDS.
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
    const [active, versions] = await Promise.all([deps.store.getScenario(bot.id), deps.store.listScenarios(bot.id)]);
    ctx.body = { botId: bot.id, active: active?.version ?? null, versions: versions.map(summary) };
  });

  router.get('/api/bots/:botId/scenarios/:version', async (ctx) => {
    const bot = botOf(ctx, deps);
    const version = versionOf(ctx);
    const scenario = (await deps.store.listScenarios(bot.id)).find((s) => s.version === version);
    const full = scenario && (await deps.store.getScenario(bot.id, scenario.hash));
    if (!full) return ctx.throw(404, `bot ${bot.id} has no scenario version ${version}`);
    ctx.body = { ...summary(full), source: full.source, machine: full.machine };
  });

  router.post('/api/bots/:botId/scenarios/:version/activate', async (ctx) => {
    const bot = botOf(ctx, deps);
    const version = versionOf(ctx);
    const scenario = (await deps.store.listScenarios(bot.id)).find((s) => s.version === version);
    const full = scenario && (await deps.store.getScenario(bot.id, scenario.hash));
    if (!full) return ctx.throw(404, `bot ${bot.id} has no scenario version ${version}`);
    // Compiled again: the stored machine may come from an older compiler, and this one may reject the source now.
    const { config, ir, diagnostics } = compileStored(full);
    if (!config) {
      ctx.status = 422;
      ctx.body = { error: { code: 'SCENARIO_ERRORS', message: `version ${version} no longer compiles (${errorCount(diagnostics)} error(s)): it was not activated; upload a corrected scenario instead` }, diagnostics };
      return;
    }
    if (ir && (await refusedFiles(ctx, deps, bot.id, ir))) return;
    const activated = await activateVersion(deps.store, bot.id, version, deps.clock());
    if (!activated) return ctx.throw(404, `bot ${bot.id} has no scenario version ${version}`);
    deps.manager.registerBot(bot.id, config);
    deps.logger.info({ event_type: 'ADMIN', bot_id: bot.id, version, hash: activated.hash.slice(0, 12) }, 'scenario activated');
    ctx.body = { ...summary(activated), active: true, warnings: diagnostics };
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
      ctx.body = { error: { code: 'SCENARIO_ERRORS', message: `the scenario has ${errorCount(result.diagnostics)} error(s): nothing was stored` }, diagnostics: result.diagnostics };
      return;
    }
    if (await refusedFiles(ctx, deps, bot.id, result.ir)) return;
    const config = emitMachineConfig(result.ir);
    const newest = (await deps.store.listScenarios(bot.id))[0];
    const stored = await deps.store.putScenario({ botId: bot.id, hash: config.version, format, source, machine: config, createdAt: deps.clock() });
    const created = newest === undefined || stored.version > newest.version;
    // An upload is "run this", so the text of an older version rolls back to it.
    const activated = (await activateVersion(deps.store, bot.id, stored.version, deps.clock())) ?? stored;
    deps.manager.registerBot(bot.id, config);
    deps.logger.info({ event_type: 'ADMIN', bot_id: bot.id, version: stored.version, hash: stored.hash.slice(0, 12), created }, 'scenario uploaded');
    ctx.status = created ? 201 : 200;
    ctx.body = { ...summary(activated), created, active: true, warnings: result.diagnostics };
  });
}

/**
 * Stores the files a scenario sends (paths relative to the bot's configured scenario directory); answers 422 naming
 * each one that cannot be stored, and returns true then: nothing is stored or activated.
 */
async function refusedFiles(ctx: Context, deps: AdminDeps, botId: string, ir: IrScenario): Promise<boolean> {
  if (!deps.shipped) return false;
  try {
    await deps.shipped.ship(botId, shippedPaths(ir));
    return false;
  } catch (err) {
    if (!(err instanceof ShippedFileError)) throw err;
    ctx.status = 422;
    ctx.body = { error: { code: 'SHIPPED_FILES', message: `${err.problems.length} file(s) the scenario sends cannot be stored: nothing was stored`, files: err.problems } };
    return true;
  }
}
