import { createWebSocketReceiver } from '@statelyai/inspect';
import { afterEach, describe, expect, it } from 'vitest';
import { Dialog } from '../../../runtime/engine/index.js';
import { sensitiveVariables } from '../../../runtime/dialogs/index.js';
import { startInspector, type RunningInspector } from '../../../runtime/inspect/index.js';
import { freePort } from '../../support/free-port.js';
import { compileText } from '../dialogs/harness.js';

const SECRET = 'Quill-Marble-5518';
const CONFIG = compileText({
  name: 'Echo',
  version: '1',
  start_step: 'ask_pw',
  steps: {
    ask_pw: { type: 'message', message: { text: 'Password?' }, expected_input: { type: 'text', variable: 'pw', sensitive: true }, next_step: 'done' },
    done: { type: 'message', message: { text: 'You typed {{pw}}.' } },
  },
});

let inspector: RunningInspector | undefined;
afterEach(async () => {
  await inspector?.stop();
  inspector = undefined;
});

describe('the inspector and replies that show a sensitive value', () => {
  it('shows the reply effects masked', async () => {
    const port = await freePort();
    inspector = await startInspector({ port, sensitiveVariables: () => sensitiveVariables(CONFIG) });
    const received: { type: string; snapshot?: { context?: { effects?: { text?: string }[] } } }[] = [];
    const receiver = createWebSocketReceiver({ server: `ws://localhost:${port}` });
    const sub = receiver.subscribe((e) => received.push(e as (typeof received)[number]));
    const dialog = new Dialog(CONFIG, { inspect: inspector.inspect });
    dialog.send({ text: '/start' });
    const turn = dialog.send({ text: SECRET });
    expect(turn.effects[0]).toMatchObject({ type: 'say', text: `You typed ${SECRET}.`, masked: 'You typed ***.' });
    const shown = () => received.flatMap((e) => (e.type === '@xstate.snapshot' ? (e.snapshot?.context?.effects ?? []).map((x) => x.text) : []));
    await expect.poll(() => shown().includes('You typed ***.'), { timeout: 10_000 }).toBe(true);
    // The input events a snapshot quotes are masked by the dialog manager (not used here); contexts by the inspector.
    expect(JSON.stringify(received.map((e) => e.snapshot?.context))).not.toContain(SECRET);
    sub.unsubscribe();
    dialog.stop();
  });
});
