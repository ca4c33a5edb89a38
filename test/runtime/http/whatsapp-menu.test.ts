import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraphApi, postWebhook, whatsappUpdates } from '../../../runtime/testing/fake-graph-api.js';
import { serverFixture, textUpdate, type ServerFixture } from '../../support/server-fixture.js';

const PHONE_ID = '1098765433';
const ACCESS = 'EAAGfakeAccessTokenMenu';
const APP_SECRET = 'app-secret-for-menu-tests';

let fixture: ServerFixture;
let graph: FakeGraphApi;
let url: string;

/** Twelve buttons: more than a WhatsApp list holds, so a numbered menu; an inline keyboard on Telegram. */
function menuScenario(): string {
  const dir = mkdtempSync(join(tmpdir(), 'whatsapp-menu-'));
  const file = join(dir, 'menu.json');
  const buttons = Array.from({ length: 12 }, (_, i) => ({ text: `Option ${i + 1}`, value: `o${i + 1}` }));
  writeFileSync(
    file,
    JSON.stringify({
      name: 'Menu',
      version: '1',
      start_step: 'pick',
      steps: {
        pick: { message: { text: 'Pick one' }, buttons, expected_input: { type: 'button', variable: 'choice', error_message: 'Please pick one' }, next_step: 'done' },
        done: { message: { text: 'You chose {{choice}}' } },
      },
    }),
  );
  return file;
}

const bodyOf = (payload: Record<string, unknown>): string => (payload['text'] as { body: string }).body;

async function sentTo(to: string, count: number) {
  for (let i = 0; i < 500 && graph.sent(to).length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return graph.sent(to).map((c) => c.payload);
}

beforeAll(async () => {
  graph = await FakeGraphApi.start();
  graph.addNumber(PHONE_ID, ACCESS);
  fixture = await serverFixture(
    {
      WHATSAPP_API_ROOT: graph.url,
      WHATSAPP_TOKEN_GREETER: ACCESS,
      WHATSAPP_APP_SECRET_GREETER: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN_GREETER: 'verify',
      WHATSAPP_PHONE_NUMBER_ID_GREETER: PHONE_ID,
    },
    { scenario: menuScenario(), channels: ['telegram', 'whatsapp'] },
  );
  url = `${fixture.server.url}/webhooks/whatsapp/greeter`;
});

afterAll(async () => {
  await fixture?.close();
  await graph?.close();
});

describe('a numbered menu on WhatsApp, end to end', () => {
  it('shows 12 buttons as a numbered menu, and "11" picks the eleventh', async () => {
    const user = '15550001001';
    expect(await postWebhook(url, whatsappUpdates.text(PHONE_ID, user, 'hi'), APP_SECRET)).toBe(200);
    const [menu] = await sentTo(user, 1);
    expect(menu!['type']).toBe('text');
    expect(bodyOf(menu!)).toContain('Pick one\n\n1. Option 1\n');
    expect(bodyOf(menu!)).toContain('\n12. Option 12');
    expect(await postWebhook(url, whatsappUpdates.text(PHONE_ID, user, '11'), APP_SECRET)).toBe(200);
    const sent = await sentTo(user, 2);
    expect(bodyOf(sent[1]!)).toBe('You chose o11');
  });

  it("the button's text picks it too", async () => {
    const user = '15550001002';
    await postWebhook(url, whatsappUpdates.text(PHONE_ID, user, 'hi'), APP_SECRET);
    await sentTo(user, 1);
    await postWebhook(url, whatsappUpdates.text(PHONE_ID, user, 'option 4'), APP_SECRET);
    expect(bodyOf((await sentTo(user, 2))[1]!)).toBe('You chose o4');
  });

  it('on Telegram, where the 12 buttons are a keyboard, "11" is text and re-asks', async () => {
    const chat = 7_001_001;
    await fixture.post(textUpdate(chat, 'hi'));
    await fixture.api.waitFor((api) => api.texts(chat).length >= 1);
    expect((await fixture.post(textUpdate(chat, '11'))).status).toBe(200);
    await fixture.api.waitFor((api) => api.texts(chat).length >= 2);
    expect(fixture.api.texts(chat)[1]).toBe('Please pick one');
  });
});
