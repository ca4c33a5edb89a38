import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFixture, session, type AppFixture } from './app-fixture.js';
import type { SseEvent } from './sse-client.js';

let f: AppFixture;
beforeAll(async () => {
  f = await appFixture({ trustProxy: true, streamLimits: { perAddress: 3, perSession: 2 } });
});
afterAll(async () => {
  await f.close();
});

const ready = (e: SseEvent) => e.event === 'ready';
const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
const open = async (s: string, address: string) => {
  const c = await f.events('greeter', s, from(address));
  await c.waitFor(ready);
  return c;
};

describe('event streams per client address and per session', () => {
  it('refuses streams from one address beyond its cap with 429 and Retry-After, while another address still connects', async () => {
    for (const label of ['a1', 'a2', 'a3']) await open(session(label), '203.0.113.1');
    const refused = await fetch(`${f.url}/chat/api/bots/greeter/sessions/${session('a4')}/events`, from('203.0.113.1'));
    expect([refused.status, refused.headers.get('retry-after'), ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([429, '10', 'TOO_MANY_REQUESTS']);
    const other = await open(session('b1'), '203.0.113.2');
    expect(other.of('ready')).toHaveLength(1);
  });

  it('takes the address the proxy added (the last X-Forwarded-For entry), not one the client chose', async () => {
    for (const label of ['c1', 'c2', 'c3']) await open(session(label), `10.0.0.${label}, 203.0.113.3`);
    const refused = await fetch(`${f.url}/chat/api/bots/greeter/sessions/${session('c4')}/events`, from('10.9.9.9, 203.0.113.3'));
    expect(refused.status).toBe(429);
  });

  it('lets a session reopen its stream (a reload) by closing its oldest beyond the session cap, with a replaced event', async () => {
    const s = session('reload');
    const first = await open(s, '198.51.100.7');
    const second = await open(s, '198.51.100.7');
    const third = await open(s, '198.51.100.7');
    await first.waitFor((e) => e.event === 'replaced');
    await expect.poll(() => first.endedBy).toBe('server');
    expect([second.endedBy, third.endedBy]).toEqual([undefined, undefined]);
  });

  it('counts a replaced stream out of its address, so a full address can still reload a session', async () => {
    const address = '198.51.100.9';
    const s = session('full');
    await open(s, address);
    await open(s, address);
    await open(session('full2'), address);
    // The address holds 3 (its cap): a fourth for a session at its cap replaces that session's oldest.
    const again = await open(s, address);
    expect(again.of('ready')).toHaveLength(1);
  });
});
