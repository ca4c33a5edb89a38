import { describe, expect, it } from 'vitest';
import { readWebhookAnswer } from '../../../bench/telegram/webhook-answer.js';

const JSON_TYPE = 'application/json; charset=utf-8';

describe('readWebhookAnswer', () => {
  it('takes an empty body or "ok" as an answer that carries nothing', () => {
    expect(readWebhookAnswer(200, undefined, '')).toEqual({ kind: 'empty' });
    expect(readWebhookAnswer(200, 'text/plain; charset=utf-8', 'ok')).toEqual({ kind: 'empty' });
  });

  it('takes a JSON body with a carried method as that call, its other fields as the payload', () => {
    expect(readWebhookAnswer(200, JSON_TYPE, '{"method":"answerCallbackQuery","callback_query_id":"7_1"}')).toEqual({
      kind: 'call',
      method: 'answerCallbackQuery',
      payload: { callback_query_id: '7_1' },
    });
    expect(readWebhookAnswer(200, 'application/json', '{"method":"sendMessage","chat_id":7,"text":"hi"}')).toEqual({
      kind: 'call',
      method: 'sendMessage',
      payload: { chat_id: 7, text: 'hi' },
    });
  });

  it('flags anything else', () => {
    const kinds = [
      readWebhookAnswer(500, undefined, ''),
      readWebhookAnswer(429, JSON_TYPE, '{"method":"sendMessage"}'),
      readWebhookAnswer(200, 'text/plain', 'accepted'),
      readWebhookAnswer(200, JSON_TYPE, '{"ok":true}'),
      readWebhookAnswer(200, JSON_TYPE, '{"method":"deleteWebhook"}'),
      readWebhookAnswer(200, JSON_TYPE, '[1]'),
      readWebhookAnswer(200, JSON_TYPE, 'not json'),
    ].map((a) => a.kind);
    expect(kinds).toEqual(Array(7).fill('unexpected'));
  });
});
