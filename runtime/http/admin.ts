import type Router from '@koa/router';
import type { MediaStore } from '../media/index.js';
import type { Metrics } from '../metrics/index.js';
import { bearerAuth } from './admin-auth.js';
import type { AdminDeps } from './admin-context.js';
import { mountAdminDashboard } from './admin-dashboard.js';
import { mountAdminDialogs } from './admin-dialogs.js';
import { mountAdminMedia } from './admin-media.js';
import { mountAdminScenarios } from './admin-scenarios.js';
import { mountAdminSecrets, type AdminSecrets } from './admin-secrets.js';
import { ScenarioViews } from './scenario-views.js';
import type { SseStreams } from './sse.js';

export interface AdminMountDeps extends AdminDeps {
  readonly token: string;
  readonly streams: SseStreams;
  readonly metrics?: Metrics | undefined;
  /** The bots' secret store; without it the secrets routes are absent. */
  readonly secrets?: AdminSecrets | undefined;
  /** The media store behind /api/media/:id; without it that route is absent. */
  readonly media?: MediaStore | undefined;
}

/** The admin API under /api and /metrics, all behind the bearer token. */
export function mountAdmin(router: Router, deps: AdminMountDeps): void {
  const auth = bearerAuth(deps.token);
  router.use('/api', auth);
  router.use('/metrics', auth);
  mountAdminScenarios(router, deps);
  mountAdminDialogs(router, deps);
  if (deps.secrets) mountAdminSecrets(router, { ...deps, secrets: deps.secrets });
  if (deps.media) mountAdminMedia(router, { media: deps.media });
  mountAdminDashboard(router, { ...deps, views: new ScenarioViews(deps.store) });
  const metrics = deps.metrics;
  if (metrics) {
    router.get('/metrics', async (ctx) => {
      ctx.type = metrics.contentType;
      ctx.body = await metrics.text();
    });
  }
}
