import type Router from '@koa/router';

/** The demo API's route: the order a call step of the example bot looks up. */
export const DEMO_ORDER_ROUTE = '/demo/api/orders/:id';

const STATES = ['being packed', 'shipped', 'out for delivery'] as const;

/**
 * A stand-in for a business's own API, so that the example bot's call step runs with no setup: an order id of 1 to
 * 6 digits has a state that follows from its digits (and an ETA), any other id is 404.
 */
export function mountDemoApi(router: Router): void {
  router.get(DEMO_ORDER_ROUTE, (ctx) => {
    const id = (ctx.params as { id: string }).id;
    if (!/^\d{1,6}$/.test(id)) {
      ctx.status = 404;
      ctx.body = { error: 'no such order' };
      return;
    }
    const n = Number(id);
    ctx.body = { id: n, state: STATES[n % STATES.length], eta_days: (n % 4) + 1 };
  });
}
