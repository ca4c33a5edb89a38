import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, appFixture, session, T0, type AppFixture } from './app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await appFixture();
});
afterAll(async () => {
  await f.close();
});

const PROTECTED = ['/api/bots', '/api/bots/greeter/scenarios', '/api/bots/greeter/dialogs', '/api/bots/greeter/dashboard', '/api/bots/greeter/graph.svg', '/api/events', '/metrics'];
const refusal = async (r: Response) => [r.status, r.headers.get('www-authenticate'), await r.json()];
const MISSING = { error: { code: 'UNAUTHORIZED', message: 'missing bearer token: send Authorization: Bearer <ADMIN_TOKEN>' } };
const WRONG = { error: { code: 'UNAUTHORIZED', message: 'wrong bearer token' } };
const CHALLENGE = 'Bearer realm="scenarist"';

describe('admin bearer auth', () => {
  it.each(PROTECTED)('%s answers 401 with a challenge without a token or with a wrong one', async (path) => {
    expect(await refusal(await fetch(`${f.url}${path}`))).toEqual([401, CHALLENGE, MISSING]);
    expect(await refusal(await fetch(`${f.url}${path}`, { headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` } }))).toEqual([401, CHALLENGE, MISSING]);
    expect(await refusal(await fetch(`${f.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } }))).toEqual([401, CHALLENGE, WRONG]);
    expect(await refusal(await fetch(`${f.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` } }))).toEqual([401, CHALLENGE, WRONG]);
    expect(await refusal(await fetch(`${f.url}${path}`, { headers: { authorization: 'Bearer' } }))).toEqual([401, CHALLENGE, MISSING]);
  });

  it('refuses an upload without the token before reading it, and stores nothing', async () => {
    const r = await fetch(`${f.url}/api/bots/greeter/scenarios`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'scenario "x" version "1"\nstart a\n\nstep a\n  say "x"\n' });
    expect(await refusal(r)).toEqual([401, CHALLENGE, MISSING]);
    expect((await f.store.listScenarios('greeter')).map((v) => v.version)).toEqual([1]);
  });

  it('accepts the token with any case of "Bearer" and trailing blanks', async () => {
    for (const authorization of [`bearer ${ADMIN_TOKEN}`, `BEARER\t${ADMIN_TOKEN}  `]) {
      expect((await fetch(`${f.url}/api/bots`, { headers: { authorization } })).status, authorization).toBe(200);
    }
  });
});

describe('GET /api/bots', () => {
  it('lists the bots with their running scenario and dialog count', async () => {
    await f.say('greeter', session('count'), 'hello');
    const r = await f.admin('/api/bots');
    const scenario = (bot: string, format: string) => ({ version: 1, hash: f.manager.configOf(bot)!.version, format, createdAt: T0, activatedAt: T0 });
    expect([r.status, await r.json()]).toEqual([
      200,
      {
        bots: [
          { id: 'greeter', name: 'Greeter', scenario: scenario('greeter', 'json'), dialogs: 1 },
          { id: 'signup', name: 'Sign-up', scenario: scenario('signup', 'scn'), dialogs: 0 },
          { id: 'vault', name: 'Vault', scenario: scenario('vault', 'scn'), dialogs: 0 },
        ],
      },
    ]);
  });
});
