import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { addSecretValues } from '../log/index.js';
import { secretNameProblem, secretValueProblem } from '../secrets/index.js';
import { botOf, param, type AdminDeps } from './admin-context.js';

/** What the admin API needs of the bots' secret store (runtime/secrets BotSecrets). */
export interface AdminSecrets {
  set(botId: string, name: string, value: string): Promise<void>;
  delete(botId: string, name: string): Promise<boolean>;
  list(botId: string): Promise<readonly { readonly name: string; readonly updatedAt: number }[]>;
}

export interface AdminSecretsDeps extends AdminDeps {
  readonly secrets: AdminSecrets;
}

/**
 * A bot's secrets for its calls' `{{secret.NAME}}`, encrypted at rest. A value goes in and never comes out: no answer
 * of any route holds one, and the request is logged without its body.
 */
export function mountAdminSecrets(router: Router, deps: AdminSecretsDeps): void {
  const nameOf = (ctx: Context): string => {
    const name = param(ctx, 'name');
    const problem = secretNameProblem(name);
    if (problem) ctx.throw(400, problem);
    return name;
  };

  router.get('/api/bots/:botId/secrets', async (ctx) => {
    const bot = botOf(ctx, deps);
    const secrets = await deps.secrets.list(bot.id);
    ctx.body = { botId: bot.id, secrets: secrets.map((s) => ({ name: s.name, updatedAt: s.updatedAt })) };
  });

  router.put('/api/bots/:botId/secrets/:name', bodyParser({ enableTypes: ['json'], jsonLimit: '64kb' }), async (ctx) => {
    const bot = botOf(ctx, deps);
    const name = nameOf(ctx);
    const body = ctx.request.body as { value?: unknown } | undefined;
    const value = body !== null && typeof body === 'object' ? body.value : undefined;
    const problem = secretValueProblem(value);
    if (problem) ctx.throw(400, problem);
    // Masked in every later log line of this process, before anything could quote it.
    addSecretValues([value as string]);
    await deps.secrets.set(bot.id, name, value as string);
    deps.logger.info({ event_type: 'ADMIN', bot_id: bot.id, secret_name: name }, 'secret set');
    ctx.status = 204;
  });

  router.delete('/api/bots/:botId/secrets/:name', async (ctx) => {
    const bot = botOf(ctx, deps);
    const name = nameOf(ctx);
    if (!(await deps.secrets.delete(bot.id, name))) ctx.throw(404, `bot ${bot.id} has no secret ${name}`);
    deps.logger.info({ event_type: 'ADMIN', bot_id: bot.id, secret_name: name }, 'secret deleted');
    ctx.status = 204;
  });
}
