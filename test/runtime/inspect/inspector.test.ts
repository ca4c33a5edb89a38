import { createWebSocketReceiver } from '@statelyai/inspect';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { InspectionEvent } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port.js';
import { Dialog } from '../../../runtime/engine/index.js';
import { InspectorPortError, startInspector, type RunningInspector } from '../../../runtime/inspect/index.js';
import { harness } from '../dialogs/harness.js';
import { compile, SIGNUP } from '../log/helpers.js';

const CONFIG = compile(SIGNUP);

/** The user inputs the actors received, as the inspector saw them. */
function inputs(events: readonly InspectionEvent[]): unknown[] {
  return events.flatMap((e) => (e.type === '@xstate.event' && (e.event as { type: string }).type === 'user.input' ? [(e.event as { text?: unknown }).text] : []));
}

describe('inspection of dialog actors', () => {
  it('passes every actor event to the inspector, with answers to sensitive inputs masked', async () => {
    const seen: InspectionEvent[] = [];
    const h = harness({ config: CONFIG, inspect: (e) => seen.push(e) });
    let id = 1;
    for (const text of ['/start', 'Alice', 'alice@example.com', '+14155550123', 'hunter2']) {
      const r = await h.send({ id: id++, chat: 'c1', text });
      expect(r.status).toBe('applied');
    }
    await h.settle();
    expect(inputs(seen)).toEqual(['Alice', 'alice@example.com', '+14155550123', '***']);
    expect(JSON.stringify(seen.filter((e) => e.type === '@xstate.event').map((e) => e.event))).not.toContain('hunter2');
    await h.manager.stop();
  });
});

describe('startInspector', () => {
  let inspector: RunningInspector | undefined;
  let blocker: Server | undefined;
  afterEach(async () => {
    await inspector?.stop();
    inspector = undefined;
    if (blocker) await new Promise((resolve) => blocker!.close(resolve));
    blocker = undefined;
  });

  it('relays actor events to a connected viewer, sensitive variables masked, and serves the inspector page', async () => {
    const port = await freePort();
    inspector = await startInspector({ port, sensitiveVariables: () => new Set(['password']) });
    const page = await fetch(inspector.url).then((r) => r.text());
    expect(page).toContain('https://stately.ai/inspect');
    expect(page).toContain(`ws://localhost:${port}`);

    const received: { type: string; snapshot?: { context?: { vars?: Record<string, unknown> } } }[] = [];
    const receiver = createWebSocketReceiver({ server: `ws://localhost:${port}` });
    const sub = receiver.subscribe((e) => received.push(e as (typeof received)[number]));
    const dialog = new Dialog(CONFIG, { inspect: inspector.inspect });
    for (const text of ['/start', 'Alice', 'alice@example.com', '+14155550123', 'hunter2']) dialog.send({ text });
    await expect
      .poll(() => received.filter((e) => e.type === '@xstate.snapshot' && e.snapshot?.context?.vars?.['password'] !== undefined).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    const passwords = received.flatMap((e) => (e.snapshot?.context?.vars?.['password'] !== undefined ? [e.snapshot.context.vars['password']] : []));
    expect(new Set(passwords)).toEqual(new Set(['***']));
    expect(received.some((e) => e.snapshot?.context?.vars?.['name'] === 'Alice')).toBe(true);
    sub.unsubscribe();
    dialog.stop();
  });

  it('refuses a port in use with a clear error instead of crashing', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, resolve));
    const port = (blocker.address() as AddressInfo).port;
    await expect(startInspector({ port })).rejects.toThrow(InspectorPortError);
    await expect(startInspector({ port })).rejects.toThrow(`the inspector port ${port} is not available`);
  });
});
