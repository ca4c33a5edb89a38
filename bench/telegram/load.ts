/**
 * Load generator: realistic Telegram webhook updates for many chats over a fixed pool of keep-alive
 * connections. Each chat's updates go strictly in order, the next only after the previous one's webhook
 * answer (Telegram delivers one chat's updates that way) and, with pace `reply`, also after the previous one's
 * replies arrived (a user answers what they read); chats interleave across connections. A Bot API call in a
 * webhook's answer is carried out as Telegram would, when the answer arrives; an update answered 429 or 503 is
 * posted again after its Retry-After (intake backpressure), and its latencies count from the first post.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ReplyTracker } from './replies.js';
import { readWebhookAnswer } from './webhook-answer.js';

export type Step = 'start' | 'name' | 'more_info';
/** The spec example's happy path: 3 updates, 5 sendMessage replies and 1 answerCallbackQuery. */
export const CONVERSATION: readonly Step[] = ['start', 'name', 'more_info'];

/** When a chat's next update goes: after the webhook answer, or after the replies too. */
export type Pace = 'webhook' | 'reply';

export interface LoadOptions {
  readonly url: string;
  readonly secret: string;
  readonly chats: number;
  readonly connections: number;
  /** Chats played at once (default: one per connection). */
  readonly inFlight?: number;
  readonly pace: Pace;
  /** Told of each post; with pace `reply`, says when an update's replies are all in. */
  readonly tracker: ReplyTracker;
  /** Carries out a Bot API call found in a webhook answer (Telegram would) and returns its HTTP status. */
  readonly carry: (method: string, payload: Record<string, unknown>) => number;
  /** Chat (and user) id of the first chat; phases use disjoint ranges. */
  readonly firstChatId: number;
  readonly steps: readonly Step[];
  readonly requestTimeoutMs?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly errorSamples: string[];
  /** Webhook answer latency of every request, in ms. */
  readonly latenciesMs: Float64Array;
  /** Bot API calls carried in webhook answers, per method. */
  readonly carried: Record<string, number>;
  /** Posts answered 429 or 503 and posted again after Retry-After. */
  readonly retried: number;
  /** performance.now() of the first request and of the last response. */
  readonly startedAt: number;
  readonly endedAt: number;
}

// Globally increasing, like Telegram's update_id for one bot.
let nextUpdateId = 500_000_000;
const botUser = { id: 7_000_000_001, is_bot: true, first_name: 'Bench', username: 'bench_bot' };

export const nameOf = (chatId: number): string => `Name${chatId}`;

/** A callback query id that names its chat, so that its answerCallbackQuery can be matched to the chat. */
export const callbackQueryId = (chatId: number, updateId: number): string => `${chatId}_${updateId}`;
export const chatOfCallbackQuery = (id: string): number => parseInt(id, 10);

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
          id: callbackQueryId(chatId, update_id),
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

interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly retryAfter: string | undefined;
  readonly body: string;
}

/** Statuses that ask the sender to come back later (intake backpressure): the update is posted again, as Telegram does. */
const BACK_OFF = new Set([429, 503]);
const MAX_RETRIES = 1000;
/** Retry-After in seconds (fractions allowed here), else 100 ms. */
export function retryDelayMs(retryAfter: string | undefined): number {
  const seconds = Number(retryAfter);
  return retryAfter !== undefined && retryAfter.trim() !== '' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 100;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const target = new URL(o.url);
  const latencies = new Float64Array(o.chats * o.steps.length);
  const errorSamples: string[] = [];
  const carried: Record<string, number> = {};
  let requests = 0;
  let retried = 0;
  let errors = 0;
  let nextChat = 0;

  const post = (body: Buffer): Promise<Answer | string> =>
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
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], retryAfter: res.headers['retry-after'], body: text }));
          res.on('error', (e) => resolve(String(e)));
        },
      );
      req.on('timeout', () => req.destroy(new Error('request timeout')));
      req.on('error', (e) => resolve(String(e)));
      req.end(body);
    });

  /** The answer's fault, if any; a carried call is delivered now. */
  const settle = (answer: Answer | string): string | undefined => {
    if (typeof answer === 'string') return answer;
    const read = readWebhookAnswer(answer.status, answer.contentType, answer.body);
    if (read.kind === 'empty') return undefined;
    if (read.kind === 'unexpected') return `unexpected webhook answer: ${read.detail}`;
    carried[read.method] = (carried[read.method] ?? 0) + 1;
    const status = o.carry(read.method, read.payload);
    return status === 200 ? undefined : `${read.method} in the webhook answer was refused with ${status}`;
  };

  // One worker per chat in flight; each takes the next chat and plays its updates in order.
  const worker = async (): Promise<void> => {
    while (nextChat < o.chats) {
      const chat = nextChat++;
      const chatId = o.firstChatId + chat;
      for (let k = 0; k < o.steps.length; k++) {
        const step = o.steps[k]!;
        const body = Buffer.from(JSON.stringify(buildUpdate(step, chatId)));
        const t0 = performance.now();
        o.tracker.posted(chat, k, t0);
        let answer = await post(body);
        for (let n = 0; typeof answer !== 'string' && BACK_OFF.has(answer.status) && n < MAX_RETRIES; n++) {
          retried++;
          await sleep(retryDelayMs(answer.retryAfter));
          answer = await post(body);
        }
        // From the first post: what the update's sender waited.
        latencies[requests++] = performance.now() - t0;
        let error = settle(answer);
        if (!error && o.pace === 'reply' && !(await o.tracker.whenComplete(chat, k))) error = 'its replies did not arrive in time';
        if (error) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`chat ${chatId} ${step}: ${error}`);
          break; // the rest of this chat's dialog would be meaningless
        }
      }
    }
  };

  const workers = Math.min(o.inFlight || o.connections, o.chats);
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: workers }, worker));
  const endedAt = performance.now();
  agent.destroy();
  return { requests, errors, errorSamples, latenciesMs: latencies.subarray(0, requests), carried, retried, startedAt, endedAt };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
