import { describe, expect, it } from 'vitest';
import type { TestUpdate } from '../../support/recording-adapter.js';
import { harness, type Harness } from './harness.js';

/** An update that came through a webhook, whose HTTP answer can carry one platform call. */
const viaWebhook = (h: Harness, update: TestUpdate) => h.manager.processIncomingMessage({ botId: 'bot', platform: 'test', update, answerInline: true });

async function atAskName(h: Harness, chat: string): Promise<void> {
  await h.send({ id: 1, chat, text: '/start' });
  await h.send({ id: 2, chat, text: 'Ann' });
}

describe('the acknowledgement of a button press', () => {
  it('rides in the webhook answer instead of a separate call', async () => {
    const h = harness();
    await atAskName(h, 'c1');
    const result = await viaWebhook(h, { id: 3, chat: 'c1', press: 'more_info' });
    expect(result).toMatchObject({ status: 'applied', rev: 3, webhookAnswer: { method: 'ack', ack_id: 'ack-3' } });
    await h.settle();
    expect(h.adapter.acks).toEqual([]);
    expect(h.adapter.texts('c1')).toHaveLength(5);
  });

  it('is answered again for a redelivered press (its first answer may have been lost)', async () => {
    const h = harness();
    await atAskName(h, 'c1');
    await viaWebhook(h, { id: 3, chat: 'c1', press: 'more_info' });
    const again = await viaWebhook(h, { id: 3, chat: 'c1', press: 'more_info' });
    expect(again).toEqual({ status: 'duplicate', key: { botId: 'bot', platform: 'test', chatId: 'c1' }, webhookAnswer: { method: 'ack', ack_id: 'ack-3' } });
    expect(h.adapter.acks).toEqual([]);
  });

  it('leaves a text message answer empty', async () => {
    const h = harness();
    const result = await viaWebhook(h, { id: 1, chat: 'c1', text: '/start' });
    expect(result.status).toBe('applied');
    expect(result).not.toHaveProperty('webhookAnswer');
  });

  it('is a separate call, once, when the update was polled', async () => {
    const h = harness();
    await atAskName(h, 'c1');
    const result = await h.send({ id: 3, chat: 'c1', press: 'more_info' });
    expect(result).not.toHaveProperty('webhookAnswer');
    expect((await h.send({ id: 3, chat: 'c1', press: 'more_info' })).status).toBe('duplicate');
    expect(h.adapter.acks).toEqual(['ack-3']);
  });

  it('is a separate call when the adapter does not answer inline (TELEGRAM_WEBHOOK_ANSWER=off)', async () => {
    const h = harness();
    h.adapter.inlineAcks = false;
    await atAskName(h, 'c1');
    const result = await viaWebhook(h, { id: 3, chat: 'c1', press: 'more_info' });
    expect(result).not.toHaveProperty('webhookAnswer');
    expect((await viaWebhook(h, { id: 3, chat: 'c1', press: 'more_info' })).status).toBe('duplicate');
    expect(h.adapter.acks).toEqual(['ack-3']);
  });
});
