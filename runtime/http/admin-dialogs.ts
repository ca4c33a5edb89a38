import type Router from '@koa/router';
import type { Context } from 'koa';
import type { DialogKey, DialogSummary } from '../store/index.js';
import { botOf, intQuery, param, type AdminDeps } from './admin-context.js';
import { sensitiveVariables } from '../dialogs/index.js';
import { maskedEntry, maskedVars } from './masking.js';

const dialogSummary = (d: DialogSummary) => ({
  platform: d.key.platform,
  chatId: d.key.chatId,
  rev: d.rev,
  step: d.step,
  status: d.status,
  blocked: d.blocked,
  scenarioVersion: d.scenarioVersion,
  messagesSent: d.lastSeq,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

function keyOf(ctx: Context, deps: AdminDeps): DialogKey {
  return { botId: botOf(ctx, deps).id, platform: param(ctx, 'platform'), chatId: param(ctx, 'chatId') };
}

/** Dialogs of a bot: list, read (variables masked), reset, history (transcripts). */
export function mountAdminDialogs(router: Router, deps: AdminDeps): void {
  router.get('/api/bots/:botId/dialogs', async (ctx) => {
    const bot = botOf(ctx, deps);
    const limit = intQuery(ctx, 'limit', 50, 1, 1000);
    const platform = typeof ctx.query['platform'] === 'string' ? ctx.query['platform'] : undefined;
    const dialogs = await deps.store.listDialogs(bot.id, { limit, ...(platform ? { platform } : {}) });
    ctx.body = { botId: bot.id, dialogs: dialogs.map(dialogSummary) };
  });

  const base = '/api/bots/:botId/dialogs/:platform/:chatId';
  router.get(base, async (ctx) => {
    const key = keyOf(ctx, deps);
    const dialog = await deps.store.getDialog(key);
    if (!dialog) return ctx.throw(404, `no dialog for chat ${JSON.stringify(key.chatId)} on ${key.platform}`);
    const sensitive = sensitiveVariables(deps.manager.configOf(key.botId));
    ctx.body = {
      ...dialogSummary(dialog),
      vars: maskedVars(dialog.vars, sensitive, deps.maskPii),
      pending: dialog.outbox.filter((m) => m.seq > dialog.delivered).length,
      delivered: dialog.delivered,
      // What the dialog waits for besides a message: timers, earliest first (due and at: epoch ms).
      agenda: (dialog.agenda ?? []).map((e) => ({ id: e.id, kind: e.kind, name: e.name, ...(e.index === undefined ? {} : { index: e.index }), step: e.step, due: e.due, at: e.at })),
    };
  });

  router.post(`${base}/reset`, async (ctx) => {
    const key = keyOf(ctx, deps);
    const result = await deps.manager.resetDialog(key);
    if (!result) return ctx.throw(404, `no dialog for chat ${JSON.stringify(key.chatId)} on ${key.platform}`);
    deps.logger.info({ event_type: 'ADMIN', bot_id: key.botId, platform: key.platform, platform_chat_id: key.chatId, rev: result.rev }, 'dialog reset');
    ctx.body = { status: 'reset', rev: result.rev };
  });

  router.get(`${base}/history`, async (ctx) => {
    const key = keyOf(ctx, deps);
    const limit = intQuery(ctx, 'limit', 200, 1, 1000);
    const entries = await deps.store.history(key, { limit });
    ctx.body = { platform: key.platform, chatId: key.chatId, entries: entries.map((h) => maskedEntry(h, deps.maskPii)) };
  });
}
