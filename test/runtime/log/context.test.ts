// Context never bleeds: many dialogs processed at once, with awaits inside the store and the adapter (which log
// lines of their own), and every line carries the chat, dialog and update it belongs to.
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../runtime/adapters/types.js';
import { DialogManager } from '../../../runtime/dialogs/index.js';
import { withLogContext, type Logger } from '../../../runtime/log/index.js';
import { MemoryStore, type DialogKey, type DialogState, type DialogWrite } from '../../../runtime/store/index.js';
import { RecordingAdapter } from '../../support/recording-adapter.js';
import { SPEC } from '../dialogs/harness.js';
import { capture, waitUntil } from './helpers.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pause = (r: () => number) => new Promise<void>((resolve) => setTimeout(resolve, Math.floor(r() * 4)));

/** A store that waits (a timer) around every call and logs from inside it, as a real driver's code would. */
class SlowStore extends MemoryStore {
  constructor(
    private readonly logger: Logger,
    private readonly r: () => number,
  ) {
    super();
  }

  private async inside(call: string, key: DialogKey): Promise<void> {
    await pause(this.r);
    this.logger.info({ probe: call, chat: key.chatId }, 'store call');
    await pause(this.r);
  }

  override async getDialog(key: DialogKey): Promise<DialogState | undefined> {
    await this.inside('getDialog', key);
    return super.getDialog(key);
  }

  override async writeDialog(write: DialogWrite): ReturnType<MemoryStore['writeDialog']> {
    await this.inside('writeDialog', write.state.key);
    return super.writeDialog(write);
  }

  override async claimDelivery(key: DialogKey, owner: string, now: number, leaseMs: number): ReturnType<MemoryStore['claimDelivery']> {
    await this.inside('claimDelivery', key);
    return super.claimDelivery(key, owner, now, leaseMs);
  }

  override async markDelivered(...args: Parameters<MemoryStore['markDelivered']>): ReturnType<MemoryStore['markDelivered']> {
    await this.inside('markDelivered', args[0]);
    return super.markDelivered(...args);
  }
}

class SlowAdapter extends RecordingAdapter {
  constructor(
    private readonly logger: Logger,
    private readonly r: () => number,
  ) {
    super();
  }

  override async send(botId: string, chatId: string, message: OutboundMessage): Promise<void> {
    await pause(this.r);
    this.logger.info({ probe: 'send', chat: chatId }, 'adapter call');
    return super.send(botId, chatId, message);
  }

  override async acknowledge(botId: string, ackId: string): Promise<void> {
    await pause(this.r);
    this.logger.info({ probe: 'acknowledge', ack: ackId }, 'adapter call');
    return super.acknowledge(botId, ackId);
  }
}

const CHATS = Array.from({ length: 60 }, (_, i) => String(3000 + i));
/** Update ids say which chat they belong to: chat * 10 + n. */
const updateId = (chat: string, n: number) => Number(chat) * 10 + n;
const chatOfUpdate = (id: string) => String(Math.floor(Number(id) / 10));

describe('log context', () => {
  it('never bleeds between dialogs processed concurrently', async () => {
    const { logger, lines } = capture({ level: 'debug' });
    const r = random(42);
    const store = new SlowStore(logger, r);
    const adapter = new SlowAdapter(logger, r);
    const manager = new DialogManager({ store, logger, sleep: async () => undefined });
    manager.registerPlatformAdapter('test', adapter);
    manager.registerBot('bot', SPEC);
    const send = (update: object) => manager.processIncomingMessage({ botId: 'bot', platform: 'test', update });

    await Promise.all(
      CHATS.map(async (chat, i) => {
        await pause(r);
        await send({ id: updateId(chat, 1), chat, text: '/start' });
        // The same update twice at once (a redelivery): one applies, the other is a duplicate.
        const name = { id: updateId(chat, 2), chat, text: `Name_${chat}` };
        const results = await Promise.all([send(name), send(name)]);
        expect(results.map((x) => x.status).sort()).toEqual(['applied', 'duplicate']);
        if (i % 3 === 0) await manager.sendMessage({ botId: 'bot', platform: 'test', chatId: chat, text: `Notice for Name_${chat}` });
        await send({ id: updateId(chat, 3), chat, press: 'more_info' });
      }),
    );
    await waitUntil(() => manager.stats.deliveries === 0, 10_000, 'deliveries');
    await manager.stop();

    expect(lines.length).toBeGreaterThan(CHATS.length * 20);
    for (const line of lines) {
      const chat = line['platform_chat_id'];
      const where = JSON.stringify(line);
      expect(chat, where).toBeTypeOf('string');
      expect(line['dialog_id'], where).toBe(`bot:test:${chat}`);
      expect(line['bot_id'], where).toBe('bot');
      // Lines logged inside the store and the adapter: their own argument says which chat they work for.
      if (line['chat'] !== undefined) expect(line['chat'], where).toBe(chat);
      if (line['ack'] !== undefined) expect(chatOfUpdate(String(line['ack']).slice('ack-'.length)), where).toBe(chat);
      if (line['update_id'] !== undefined) expect(chatOfUpdate(String(line['update_id'])), where).toBe(chat);
      // Any text that names a chat belongs to that chat: incoming, variables, replies.
      for (const m of where.matchAll(/Name_(\d+)/g)) expect(m[1], where).toBe(chat);
    }

    for (const chat of CHATS) {
      const of = (type: string) => lines.filter((l) => l['platform_chat_id'] === chat && l['event_type'] === type);
      expect(of('INCOMING').map((l) => l['text'])).toEqual(['/start', `Name_${chat}`, 'more_info']);
      expect(of('OUTGOING').map((l) => l['seq'])).toEqual(Number(chat) % 3 === 0 ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 5]);
      // Delivery runs in its own context: no update id (it may carry replies of several updates).
      for (const l of of('OUTGOING')) expect(l['update_id']).toBeUndefined();
      expect(of('VARIABLE').map((l) => `${l['variable']}=${l['value']}`)).toEqual([`name=Name_${chat}`, 'choice=more_info']);
      expect(of('PROCESSING').filter((l) => l['msg'] === 'duplicate update: already applied')).toHaveLength(1);
      expect(lines.filter((l) => l['chat'] === chat).length).toBeGreaterThan(10);
    }
    // Fields of one line never stick to the next (pino's default mixin merge writes into the context object).
    for (const l of lines.filter((x) => x['event_type'] === 'INCOMING')) {
      expect(Object.keys(l).sort()).toEqual(
        ['level', 'time', 'bot_id', 'platform', 'platform_chat_id', 'dialog_id', 'update_id', 'event_type', 'step', 'text', 'msg', ...(l['button'] ? ['button'] : [])].sort(),
      );
    }
  });

  it('a line’s fields stay in that line', () => {
    const { logger, lines } = capture();
    withLogContext({ platform_chat_id: '1' }, () => {
      logger.info({ text: 'first', err: new Error('boom') }, 'one');
      logger.info('two');
    });
    expect(lines[1]).toEqual({ level: 'INFO', time: expect.any(String), platform_chat_id: '1', msg: 'two' });
  });
});
