import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpCallClient, type CallPolicy } from '../../../../runtime/agenda/index.js';
import type { CallRequest } from '../../../../runtime/engine/index.js';
import { BusinessApi } from '../../../support/business-api.js';

const LOCAL: CallPolicy = { allowPrivate: false, allowedHosts: ['127.0.0.1'] };
const get = (url: string, more: Partial<CallRequest> = {}): CallRequest => ({ method: 'GET', url, headers: {}, timeoutMs: 2_000, retries: 0, ...more });

describe('HttpCallClient against a local business API', () => {
  const api = new BusinessApi();
  const secrets: Record<string, string> = { CRM_TOKEN: 'tok-5ecret-value' };
  let client: HttpCallClient;

  beforeAll(async () => {
    await api.start();
    api
      .json('/orders/7', 200, { status: 'shipped', items: [{ name: 'tea' }] })
      .on('/empty', (_q, res) => res.writeHead(204).end())
      .on('/text', (_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>'))
      .json('/broken', 503, { error: 'down' })
      .on('/slow', () => undefined)
      .on('/huge', (_q, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: 'x'.repeat(4096) })))
      .on('/huge-chunked', (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data":"');
        res.write('y'.repeat(4096));
        res.end('"}');
      })
      .on('/echo', (_q, res, body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: JSON.parse(body) as unknown })))
      .on('/to-metadata', (_q, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end())
      .on('/to-private', (_q, res) => res.writeHead(307, { location: 'http://10.0.0.1/admin' }).end())
      .on('/to-ipv6-loopback', (_q, res) => res.writeHead(301, { location: `http://[::1]:${api.port}/orders/7` }).end())
      .on('/to-file', (_q, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end())
      .on('/to-orders', (_q, res) => res.writeHead(302, { location: '/orders/7' }).end())
      .on('/to-localhost', (_q, res) => res.writeHead(302, { location: `http://localhost:${api.port}/orders/7` }).end())
      .on('/loop', (_q, res) => res.writeHead(302, { location: '/loop' }).end());
    client = new HttpCallClient({ policy: LOCAL, maxBodyBytes: 1024, secrets: (name) => secrets[name], resolve: (host, cb) => cb(null, host === 'localhost' ? [{ address: '127.0.0.1', family: 4 }] : []) });
  });

  afterAll(async () => {
    await client.close();
    await api.stop();
  });

  it('answers a 2xx with its status and its JSON body; an empty body is null', async () => {
    expect((await client.send(get(api.url('/orders/7')))).result).toEqual({ ok: true, status: 200, body: { status: 'shipped', items: [{ name: 'tea' }] } });
    expect((await client.send(get(api.url('/empty')))).result).toEqual({ ok: true, status: 204, body: null });
  });

  it('fails a 2xx that is not JSON (not_json), and a non-2xx (status, with its JSON body), the 5xx as retryable', async () => {
    expect((await client.send(get(api.url('/text')))).result).toEqual({ ok: false, error: 'not_json', status: 200 });
    const broken = await client.send(get(api.url('/broken')));
    expect(broken.result).toEqual({ ok: false, error: 'status', status: 503, body: { error: 'down' } });
    expect(broken.retryable).toBe(true);
  });

  it('times out an attempt that gets no answer in time (timeout, retryable)', async () => {
    const slow = await client.send(get(api.url('/slow'), { timeoutMs: 150 }));
    expect(slow.result).toEqual({ ok: false, error: 'timeout' });
    expect(slow.retryable).toBe(true);
  });

  it('stops reading an answer over the body limit (too_large), declared or not', async () => {
    expect((await client.send(get(api.url('/huge')))).result).toEqual({ ok: false, error: 'too_large', status: 200 });
    expect((await client.send(get(api.url('/huge-chunked')))).result).toEqual({ ok: false, error: 'too_large', status: 200 });
  });

  it('sends the JSON body and the secrets filled in; a missing secret refuses the call without sending it', async () => {
    const request: CallRequest = { method: 'POST', url: api.url('/echo'), headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' }, body: { id: '7', n: 2 }, timeoutMs: 2_000, retries: 0 };
    expect((await client.send(request)).result).toEqual({ ok: true, status: 200, body: { got: { id: '7', n: 2 } } });
    const seen = api.received.at(-1)!;
    expect(seen.headers['authorization']).toBe('Bearer tok-5ecret-value');
    expect(seen.headers['content-type']).toBe('application/json');
    const before = api.received.length;
    const missing = await client.send({ ...request, headers: { Authorization: 'Bearer {{secret.NOT_SET}}' } });
    expect(missing.result).toEqual({ ok: false, error: 'refused' });
    expect(missing.reason).toContain('SCENARIST_SECRET_NOT_SET');
    expect(api.received.length).toBe(before);
  });

  it('refuses loopback without a setting that allows it, before connecting', async () => {
    const strict = new HttpCallClient({ secrets: () => undefined });
    const before = api.received.length;
    expect((await strict.send(get(api.url('/orders/7')))).result).toEqual({ ok: false, error: 'refused' });
    expect((await strict.send(get(`http://[::1]:${api.port}/orders/7`))).result).toEqual({ ok: false, error: 'refused' });
    // Other spellings of loopback: a decimal address, the IPv4-mapped IPv6 form, and a name resolved by the system.
    expect((await strict.send(get(`http://2130706433:${api.port}/orders/7`))).result).toEqual({ ok: false, error: 'refused' });
    expect((await strict.send(get(`http://[::ffff:127.0.0.1]:${api.port}/orders/7`))).result).toEqual({ ok: false, error: 'refused' });
    expect((await strict.send(get(`http://localhost:${api.port}/orders/7`))).result).toEqual({ ok: false, error: 'refused' });
    expect(api.received.length).toBe(before);
    await strict.close();
  });

  it('checks every redirect target again: the first host is allowed, a private or metadata target is refused', async () => {
    for (const path of ['/to-metadata', '/to-private', '/to-ipv6-loopback', '/to-localhost']) {
      const attempt = await client.send(get(api.url(path)));
      expect(attempt.result, path).toEqual({ ok: false, error: 'refused' });
      expect(attempt.retryable).toBe(false);
    }
    expect((await client.send(get(api.url('/to-file')))).result).toEqual({ ok: false, error: 'refused' });
  });

  it('follows up to 3 redirects; past them the 3xx is the answer', async () => {
    const followed = await client.send(get(api.url('/to-orders')));
    expect(followed.result).toMatchObject({ ok: true, status: 200 });
    expect(followed.redirects).toBe(1);
    const loop = await client.send(get(api.url('/loop')));
    expect(loop.result).toEqual({ ok: false, error: 'status', status: 302 });
    expect(loop.redirects).toBe(3);
  });

  it('does not carry credentials or secret headers to another origin on a redirect; a 303 after a POST becomes a GET', async () => {
    api.on('/to-other-origin', (_q, res) => res.writeHead(303, { location: `http://partner.internal:${api.port}/orders/7` }).end());
    const twoHosts = new HttpCallClient({
      policy: { allowPrivate: false, allowedHosts: ['127.0.0.1', 'partner.internal'] },
      secrets: (name) => secrets[name],
      resolve: (host, cb) => cb(null, host === 'partner.internal' ? [{ address: '127.0.0.1', family: 4 }] : []),
    });
    const request: CallRequest = { method: 'POST', url: api.url('/to-other-origin'), headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}', 'X-Api-Key': '{{secret.CRM_TOKEN}}', 'X-Trace': 'kept' }, body: { id: 7 }, timeoutMs: 2_000, retries: 0 };
    expect((await twoHosts.send(request)).result).toMatchObject({ ok: true, status: 200 });
    const [first, second] = api.received.slice(-2);
    expect(first!.headers['authorization']).toBe('Bearer tok-5ecret-value');
    expect(second).toMatchObject({ method: 'GET', path: '/orders/7', body: '' });
    expect(second!.headers['authorization']).toBeUndefined();
    expect(second!.headers['x-api-key']).toBeUndefined();
    expect(second!.headers['x-trace']).toBe('kept');
    await twoHosts.close();
  });

  it('connects a host allowed by name to the address it checked', async () => {
    const named = new HttpCallClient({ policy: { allowPrivate: false, allowedHosts: ['orders.internal'] }, secrets: () => undefined, resolve: (host, cb) => cb(null, host === 'orders.internal' ? [{ address: '127.0.0.1', family: 4 }] : []) });
    expect((await named.send(get(`http://orders.internal:${api.port}/orders/7`))).result).toMatchObject({ ok: true, status: 200 });
    expect(api.received.at(-1)!.headers['host']).toBe(`orders.internal:${api.port}`);
    await named.close();
  });

  it('refuses a URL that is not http(s) or not a URL at all', async () => {
    expect((await client.send(get('ftp://127.0.0.1/x'))).result).toEqual({ ok: false, error: 'refused' });
    expect((await client.send(get('not a url'))).result).toEqual({ ok: false, error: 'refused' });
  });
});
