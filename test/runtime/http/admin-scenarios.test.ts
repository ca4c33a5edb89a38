import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFixture, session, T0, type AppFixture } from './app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await appFixture();
});
afterAll(async () => {
  await f.close();
});

const json = async (r: Response) => [r.status, await r.json()];
const upload = (body: string, contentType: string, query = '', bot = 'greeter') =>
  f.admin(`/api/bots/${bot}/scenarios${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
const activate = (version: number | string, bot = 'greeter') => f.admin(`/api/bots/${bot}/scenarios/${version}/activate`, { method: 'POST' });
const versions = async () => (await f.store.listScenarios('greeter')).map((v) => v.version);
/** The first reply a new session gets from the greeter. */
const greeting = async (label: string) => {
  const s = session(label);
  await f.say('greeter', s, 'hello');
  return (await f.store.history(f.key('greeter', s))).find((h) => h.direction === 'out')?.text;
};

const V2 = 'scenario "Greeter 2" version "2.0"\nstart hello\n\nstep hello\n  say "Hello from version 2!"\n  ask text -> name\n  go bye\n\nstep bye\n  say "Bye, {{name}}."\n';
const V3 = V2.replace('version 2!', 'version 3!');
const ORIGINAL = readFileSync('examples/spec-example.json', 'utf8');

describe('admin scenarios', () => {
  it('lists the versions of a bot and reads one with its source and machine', async () => {
    const hash = f.manager.configOf('greeter')!.version;
    expect(await json(await f.admin('/api/bots/greeter/scenarios'))).toEqual([200, { botId: 'greeter', active: 1, versions: [{ version: 1, hash, format: 'json', createdAt: T0, activatedAt: T0 }] }]);
    const [status, one] = await json(await f.admin('/api/bots/greeter/scenarios/1'));
    expect(status).toBe(200);
    expect(one).toEqual({ version: 1, hash, format: 'json', createdAt: T0, activatedAt: T0, source: ORIGINAL, machine: JSON.parse(JSON.stringify(f.manager.configOf('greeter'))) });
    expect(await json(await f.admin('/api/bots/greeter/scenarios/9'))).toEqual([404, { error: { code: 'NOT_FOUND', message: 'bot greeter has no scenario version 9' } }]);
    for (const bad of ['0', 'abc', '1.5', '0x1', '0b1', '0o1', '1e0', '+1', '01', '%201']) {
      expect(await json(await f.admin(`/api/bots/greeter/scenarios/${bad}`)), bad).toEqual([400, { error: { code: 'BAD_REQUEST', message: 'the version must be a positive integer' } }]);
    }
    expect((await f.admin('/api/bots/nobody/scenarios')).status).toBe(404);
  });

  it('answers 422 with located diagnostics for a .scn with errors, and stores nothing', async () => {
    const [status, body] = await json(await upload('scenario "Broken" version "1"\nstart a\n\nstep a\n  go nowhere\n', 'text/plain'));
    expect(status).toBe(422);
    expect(body).toEqual({
      error: { code: 'SCENARIO_ERRORS', message: 'the scenario has 1 error(s): nothing was stored' },
      diagnostics: [{ code: 'UNKNOWN_STEP', severity: 'error', message: expect.any(String), file: 'greeter.scn', line: 5, column: 6, endLine: 5, endColumn: 13 }],
    });
    expect(await versions()).toEqual([1]);
  });

  it('answers 422 with the position of a JSON syntax error, and stores nothing', async () => {
    const [status, body] = await json(await upload('{\n  "name": "x",\n  "steps": \n}', 'application/json'));
    expect(status).toBe(422);
    const diagnostics = (body as { diagnostics: { code: string; severity: string; line: number; column: number }[] }).diagnostics;
    expect(diagnostics.filter((d) => d.code === 'JSON_SYNTAX').map((d) => [d.severity, d.line, d.column])).toEqual([['error', 4, 1]]);
    expect(diagnostics.every((d) => typeof d.code === 'string' && Number.isInteger(d.line) && Number.isInteger(d.column))).toBe(true);
    expect((body as { error: { code: string } }).error.code).toBe('SCENARIO_ERRORS');
    expect(await versions()).toEqual([1]);
  });

  it('refuses an empty body, an unknown format and an unknown content type', async () => {
    expect(await json(await upload('  \n', 'text/plain'))).toEqual([400, { error: { code: 'BAD_REQUEST', message: 'the body is empty: send the scenario source' } }]);
    expect(await json(await upload(V2, 'text/plain', '?format=yaml'))).toEqual([400, { error: { code: 'BAD_REQUEST', message: 'format must be json or scn' } }]);
    expect(await json(await upload(V2, 'application/octet-stream'))).toEqual([
      415,
      { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the scenario as application/json (JSON) or text/plain (.scn), or name it with ?format=json|scn' } },
    ]);
    expect(await json(await upload(V2, 'text/plain', '', 'nobody'))).toEqual([404, { error: { code: 'NOT_FOUND', message: 'unknown bot "nobody"' } }]);
    expect(await versions()).toEqual([1]);
  });

  it('stores a new version with 201 and runs it from the next message; an identical upload answers 200', async () => {
    const [status, body] = await json(await upload(V2, 'text/plain'));
    expect(status).toBe(201);
    expect(body).toEqual({ version: 2, hash: f.manager.configOf('greeter')!.version, format: 'scn', createdAt: T0, activatedAt: T0, created: true, active: true, warnings: [] });
    expect(await greeting('after-v2')).toBe('Hello from version 2!');
    const same = await upload(V2, 'text/x-scn');
    expect(await json(same)).toEqual([200, { ...(body as object), created: false }]);
    expect(await versions()).toEqual([2, 1]);
  });

  it('takes ?format= whatever the Content-Type, as curl sends a form type by default', async () => {
    const [status, body] = await json(await upload(V3, 'application/x-www-form-urlencoded', '?format=scn'));
    expect([status, (body as { version: number }).version]).toEqual([201, 3]);
    expect(await greeting('after-v3')).toBe('Hello from version 3!');
  });

  it('rolls back to an older version uploaded again: it is activated, not stored twice', async () => {
    const first = (await f.store.listScenarios('greeter')).find((v) => v.version === 1)!;
    // The clock stands still in these tests; the activation still comes after version 3's (T0).
    expect(await json(await upload(ORIGINAL, 'application/json'))).toEqual([
      200,
      { version: 1, hash: first.hash, format: 'json', createdAt: T0, activatedAt: T0 + 1, created: false, active: true, warnings: [expect.objectContaining({ code: 'BARE_WORD', severity: 'warning', line: 41, column: 30 })] },
    ]);
    expect(((await (await f.admin('/api/bots/greeter/scenarios')).json()) as { active: number }).active).toBe(1);
    expect(await greeting('after-old')).toBe('Welcome to our bot!');
    expect(await versions()).toEqual([3, 2, 1]);
  });

  it('activates a stored version by number: the next message runs it', async () => {
    const v2 = (await f.store.listScenarios('greeter')).find((v) => v.version === 2)!;
    expect(await json(await activate(2))).toEqual([200, { version: 2, hash: v2.hash, format: 'scn', createdAt: T0, activatedAt: T0 + 2, active: true, warnings: [] }]);
    expect(f.manager.configOf('greeter')!.version).toBe(v2.hash);
    expect(await greeting('after-activate')).toBe('Hello from version 2!');
    const listed = (await (await f.admin('/api/bots/greeter/scenarios')).json()) as { active: number; versions: { version: number; activatedAt: number }[] };
    expect([listed.active, listed.versions.map((v) => [v.version, v.activatedAt])]).toEqual([
      2,
      [
        [3, T0],
        [2, T0 + 2],
        [1, T0 + 1],
      ],
    ]);
    // Activating the active version again changes nothing.
    expect(await json(await activate(2))).toEqual([200, expect.objectContaining({ version: 2, activatedAt: T0 + 2 })]);
    expect(await versions()).toEqual([3, 2, 1]);
  });

  it('answers 404 for an unknown version or bot and 400 for a bad version number', async () => {
    expect(await json(await activate(9))).toEqual([404, { error: { code: 'NOT_FOUND', message: 'bot greeter has no scenario version 9' } }]);
    for (const bad of ['0', 'abc', '1.5', '-1', '0x1', '1e0', '01']) {
      expect(await json(await activate(bad)), bad).toEqual([400, { error: { code: 'BAD_REQUEST', message: 'the version must be a positive integer' } }]);
    }
    expect((await activate(1, 'nobody')).status).toBe(404);
    expect(((await (await f.admin('/api/bots/greeter/scenarios')).json()) as { active: number }).active).toBe(2);
  });

  it('answers 422 with the diagnostics when the stored source no longer compiles, and activates nothing', async () => {
    const broken = 'scenario "Broken" version "1"\nstart a\n\nstep a\n  go nowhere\n';
    // Stored behind the API's back, as an older compiler might have accepted it; created at T0, it is not active.
    const stored = await f.store.putScenario({ botId: 'greeter', hash: 'broken-hash', format: 'scn', source: broken, machine: {}, createdAt: T0 });
    const [status, body] = await json(await activate(stored.version));
    expect(status).toBe(422);
    expect(body).toEqual({
      error: { code: 'SCENARIO_ERRORS', message: `version ${stored.version} no longer compiles (1 error(s)): it was not activated; upload a corrected scenario instead` },
      diagnostics: [expect.objectContaining({ code: 'UNKNOWN_STEP', severity: 'error', line: 5, column: 6 })],
    });
    expect((await f.store.getScenario('greeter'))?.version).toBe(2);
    expect(await greeting('after-broken')).toBe('Hello from version 2!');
  });
});
