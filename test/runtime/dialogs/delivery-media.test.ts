import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage, ParsedUpdate, PlatformAdapter } from '../../../runtime/adapters/types.js';
import { Delivery } from '../../../runtime/dialogs/index.js';
import { conversationLoggers } from '../../../runtime/log/index.js';
import { MemoryStore, type DialogKey, type OutboxMessage } from '../../../runtime/store/index.js';
import { captureLogger } from '../../support/capture-logger.js';
import { dialogState, write } from '../store/helpers.js';

const key: DialogKey = { botId: 'bot', platform: 'test', chatId: 'c1' };
const file = { id: 'ab'.repeat(32), sha256: 'ab'.repeat(32), mime: 'image/jpeg', size: 212, name: 'receipt.jpg' };

describe('Delivery of media', () => {
  let running: Delivery | undefined;
  afterEach(async () => running?.stop());

  it('hands each reply its medium, the text as its caption, buttons with it', async () => {
    const store = new MemoryStore();
    const sent: OutboundMessage[] = [];
    const adapter: PlatformAdapter = {
      platform: 'test',
      parseUpdate: (): ParsedUpdate => ({ kind: 'invalid', reason: 'unused' }),
      async send(_botId, _chatId, message) {
        sent.push(message);
      },
    };
    const outbox: OutboxMessage[] = [
      { seq: 1, text: 'Here is what I got:', buttons: [], at: 1 },
      { seq: 2, text: 'receipt.jpg, 212 bytes', buttons: [], at: 1, media: { type: 'image', source: { file } } },
      { seq: 3, text: '', buttons: [{ text: 'OK', value: 'ok' }], at: 1, media: { kind: 'location', latitude: 52.52, longitude: 13.4 } },
    ];
    await write(store, dialogState(key, 1, { outbox, lastSeq: 3 }));
    const { logger } = captureLogger('fatal');
    running = new Delivery(store, (p) => (p === 'test' ? adapter : undefined), logger, conversationLoggers(logger), () => Date.now(), 'A');
    await running.schedule(key);
    expect(sent).toEqual([
      { text: 'Here is what I got:', buttons: [] },
      { text: 'receipt.jpg, 212 bytes', buttons: [], media: { type: 'image', source: { file } } },
      { text: '', buttons: [{ text: 'OK', value: 'ok' }], media: { kind: 'location', latitude: 52.52, longitude: 13.4 } },
    ]);
    expect((await store.getDialog(key))?.delivered).toBe(3);
  });
});
