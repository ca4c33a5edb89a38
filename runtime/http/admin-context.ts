import type { Context } from 'koa';
import type { DialogManager } from '../dialogs/index.js';
import type { Logger } from '../log/index.js';
import type { ShippedFiles } from '../media/index.js';
import type { Store } from '../store/index.js';

/** A bot as the admin API and the pages know it. */
export interface BotInfo {
  readonly id: string;
  readonly name: string;
}

export interface AdminDeps {
  readonly manager: DialogManager;
  readonly store: Store;
  readonly logger: Logger;
  readonly bots: () => readonly BotInfo[];
  /** Mask e-mail addresses and phone numbers in transcripts and variables (BOT_MASK_PII). */
  readonly maskPii: boolean;
  readonly clock: () => number;
  /** Files shipped with the bots: an uploaded or activated version's files are stored first (422 naming a missing one). */
  readonly shipped?: ShippedFiles | undefined;
}

type Params = { params: Record<string, string> };

export const param = (ctx: Context, name: string): string => (ctx as Context & Params).params[name]!;

/** The bot of the route (a listed bot the manager runs), or 404. */
export function botOf(ctx: Context, deps: Pick<AdminDeps, 'bots' | 'manager'>): BotInfo {
  const id = param(ctx, 'botId');
  const bot = deps.bots().find((b) => b.id === id);
  if (!bot || !deps.manager.hasBot(id)) return ctx.throw(404, `unknown bot ${JSON.stringify(id)}`);
  return bot;
}

/** An integer query parameter within bounds, else 400 naming the parameter. */
export function intQuery(ctx: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.query[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isSafeInteger(n) || n < min || n > max) ctx.throw(400, `${name} must be an integer from ${min} to ${max}`);
  return n;
}
