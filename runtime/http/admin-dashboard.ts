import type Router from '@koa/router';
import type { DialogEvent } from '../dialogs/index.js';
import type { FunnelCounts } from '../store/index.js';
import { botOf, intQuery, type AdminDeps } from './admin-context.js';
import type { ScenarioViews } from './scenario-views.js';
import type { SseStreams } from './sse.js';
import { TtlCache } from './ttl-cache.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface DashboardDeps extends AdminDeps {
  readonly views: ScenarioViews;
  readonly streams: SseStreams;
}

/**
 * What the dashboard shows of a bot, in one request: live dialogs per step, the funnel, messages per minute and
 * recent dialogs. `live` (minutes) bounds which active dialogs count as live; `window` (hours) bounds the funnel.
 */
/**
 * How long a funnel stays cached: it reads every history row of its window (about 0.15 s for 14,000 dialogs a
 * day on SQLite, bench:dashboard), so long windows, which change slowly, are recomputed less often.
 */
export const funnelTtlMs = (windowHours: number): number => Math.min(60_000, Math.max(2_000, windowHours * 80));

export function mountAdminDashboard(router: Router, deps: DashboardDeps): void {
  const funnels = new TtlCache<{ counts: FunnelCounts; at: number }>(deps.clock);
  router.get('/api/bots/:botId/graph.svg', async (ctx) => {
    const bot = botOf(ctx, deps);
    const view = await deps.views.of(bot.id, deps.manager.configOf(bot.id)!.version);
    if (!view) return ctx.throw(404, `the running scenario of bot ${bot.id} is not in the store`);
    ctx.type = 'image/svg+xml';
    ctx.set('Cache-Control', 'private, max-age=60');
    ctx.body = view.svg;
  });

  router.get('/api/bots/:botId/dashboard', async (ctx) => {
    const bot = botOf(ctx, deps);
    const liveMinutes = intQuery(ctx, 'live', 60, 1, 7 * 24 * 60);
    const windowHours = intQuery(ctx, 'window', 24, 1, 24 * 365);
    const now = deps.clock();
    const config = deps.manager.configOf(bot.id)!;
    const since = now - windowHours * HOUR;
    const view = await deps.views.of(bot.id, config.version);
    const [live, cached, rate, recent, scenario] = await Promise.all([
      deps.store.activeByStep(bot.id, now - liveMinutes * MINUTE),
      // The start step tells a /start in the middle of a conversation (a new conversation) from a step.
      funnels.get(`${bot.id}\u0000${config.version}\u0000${windowHours}`, funnelTtlMs(windowHours), async () => ({
        counts: await deps.store.funnel(bot.id, since, view?.ir.startStep),
        at: now,
      })),
      deps.store.messageRate(bot.id, now - 60 * MINUTE, MINUTE),
      deps.store.listDialogs(bot.id, { limit: 20 }),
      deps.store.getScenario(bot.id, config.version),
    ]);
    const funnel = cached.counts;
    const order = view?.order ?? [];
    const known = new Set(order);
    const steps = [...order, ...Object.keys(funnel.reached).filter((s) => !known.has(s)).sort()];
    const lastMinute = rate.find((b) => b.at === Math.floor((now - MINUTE) / MINUTE) * MINUTE);
    ctx.body = {
      bot: { id: bot.id, name: bot.name, scenario: scenario ? { version: scenario.version, hash: scenario.hash, name: view?.ir.name ?? null } : null },
      at: now,
      live: { minutes: liveMinutes, total: Object.values(live).reduce((a, b) => a + b, 0), byStep: live },
      funnel: {
        hours: windowHours,
        // When these counts were taken, and when a page asking again gets new ones.
        at: cached.at,
        refreshAt: cached.at + funnelTtlMs(windowHours),
        dialogs: funnel.dialogs,
        ended: funnel.ended,
        steps: steps.map((step) => ({ step, inScenario: known.has(step), reached: funnel.reached[step] ?? 0, stopped: funnel.current[step] ?? 0 })),
      },
      rate: { bucketSeconds: 60, since: now - 60 * MINUTE, buckets: rate, lastMinute: (lastMinute?.in ?? 0) + (lastMinute?.out ?? 0) },
      recent: recent.map((d) => ({ platform: d.key.platform, chatId: d.key.chatId, step: d.step, status: d.status, rev: d.rev, updatedAt: d.updatedAt })),
    };
  });

  /** Tells dashboards which bots changed, at most once a second per bot; a tick every 10 s covers other processes. */
  router.get('/api/events', (ctx) => {
    const stream = deps.streams.start(ctx);
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      timer = undefined;
      if (pending.size > 0 && !stream.closed) stream.send('changed', { bots: [...pending] });
      pending.clear();
    };
    const stop = deps.manager.observe((e: DialogEvent) => {
      if (e.type !== 'turn' && e.type !== 'stored' && e.type !== 'delivered' && e.type !== 'timer') return;
      pending.add(e.key.botId);
      timer ??= setTimeout(flush, 1_000);
    });
    const tick = setInterval(() => stream.send('tick', { at: deps.clock() }), 10_000);
    tick.unref();
    stream.send('hello', { bots: deps.bots().map((b) => b.id) });
    stream.onClose(() => {
      stop();
      clearInterval(tick);
      if (timer) clearTimeout(timer);
    });
  });
}
