/**
 * Load generator: realistic Telegram webhook updates for many chats over a fixed pool of keep-alive
 * connections. Each chat's updates go strictly in order, the next only after the previous one's webhook
 * response (Telegram delivers one chat's updates that way); chats interleave across connections.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export type Step = 'start' | 'name' | 'more_info';
/** The spec example's happy path: 3 updates, 5 sendMessage replies and 1 answerCallbackQuery. */
export const CONVERSATION: readonly Step[] = ['start', 'name', 'more_info'];

export interface LoadOptions {
  readonly url: string;
  readonly secret: string;
  readonly chats: number;
  readonly connections: number;
  /** Chat (and user) id of the first chat; phases use disjoint ranges. */
  readonly firstChatId: number;
  readonly steps: readonly Step[];
  readonly requestTimeoutMs?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly errorSamples: string[];
  /** Webhook response latency of every request, in ms. */
  readonly latenciesMs: Float64Array;
  /** performance.now() of the first request and of the last response. */
  readonly startedAt: number;
  readonly endedAt: number;
}

// Globally increasing, like Telegram's update_id for one bot.
let nextUpdateId = 500_000_000;
const botUser = { id: 7_000_000_001, is_bot: true, first_name: 'Bench', username: 'bench_bot' };

export const nameOf = (chatId: number): string => `Name${chatId}`;

export function buildUpdate(step: Step, chatId: number): object {
  const date = Math.floor(Date.now() / 1000);
  const first_name = nameOf(chatId);
  const from = { id: chatId, is_bot: false, first_name, username: `user${chatId}`, language_code: 'en' };
  const chat = { id: chatId, type: 'private', first_name, username: `user${chatId}` };
  const update_id = nextUpdateId++;
  switch (step) {
    case 'start':
      return {
        update_id,
        message: { message_id: 1, from, chat, date, text: '/start', entities: [{ offset: 0, length: 6, type: 'bot_command' }] },
      };
    case 'name':
      // message ids 2 and 3 were the bot's "Welcome…" and "What's your name?"
      return { update_id, message: { message_id: 4, from, chat, date, text: first_name } };
    case 'more_info':
      return {
        update_id,
        callback_query: {
          id: `${chatId}${update_id}`,
          from,
          message: {
            message_id: 5,
            from: botUser,
            chat,
            date,
            text: `Nice to meet you, ${first_name}!`,
            reply_markup: {
              inline_keyboard: [[{ text: 'Tell me more', callback_data: 'more_info' }, { text: 'Goodbye', callback_data: 'end' }]],
            },
          },
          chat_instance: String(-1_000_000_000_000 - chatId),
          data: 'more_info',
        },
      };
  }
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const target = new URL(o.url);
  const latencies = new Float64Array(o.chats * o.steps.length);
  const errorSamples: string[] = [];
  let requests = 0;
  let errors = 0;
  let nextChat = 0;

  const post = (body: Buffer): Promise<string | undefined> =>
    new Promise((resolve) => {
      const req = http.request(
        {
          agent,
          method: 'POST',
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'x-telegram-bot-api-secret-token': o.secret,
          },
          timeout: o.requestTimeoutMs ?? 30_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`));
          res.on('error', (e) => resolve(String(e)));
        },
      );
      req.on('timeout', () => req.destroy(new Error('request timeout')));
      req.on('error', (e) => resolve(String(e)));
      req.end(body);
    });

  // One worker per connection; each takes the next chat and plays its updates in order.
  const worker = async (): Promise<void> => {
    while (nextChat < o.chats) {
      const chatId = o.firstChatId + nextChat++;
      for (const step of o.steps) {
        const body = Buffer.from(JSON.stringify(buildUpdate(step, chatId)));
        const t0 = performance.now();
        const error = await post(body);
        latencies[requests++] = performance.now() - t0;
        if (error) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`chat ${chatId} ${step}: ${error}`);
          break; // the rest of this chat's dialog would be meaningless
        }
      }
    }
  };

  const startedAt = performance.now();
  await Promise.all(Array.from({ length: Math.min(o.connections, o.chats) }, worker));
  const endedAt = performance.now();
  agent.destroy();
  return { requests, errors, errorSamples, latenciesMs: latencies.subarray(0, requests), startedAt, endedAt };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
