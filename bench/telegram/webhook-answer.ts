/**
 * What a webhook's HTTP answer says. Telegram carries out a Bot API call put in the answer's JSON body
 * (`{ "method": "answerCallbackQuery", "callback_query_id": "…" }`), so the load generator counts such a call as
 * delivered when the answer arrives; anything else than an empty body, `ok` or such a call is a server fault.
 */

/** Methods a server of this benchmark may put in a webhook answer. */
const CARRIED = new Set(['sendMessage', 'answerCallbackQuery']);

export type WebhookAnswer =
  | { readonly kind: 'empty' }
  | { readonly kind: 'call'; readonly method: string; readonly payload: Record<string, unknown> }
  | { readonly kind: 'unexpected'; readonly detail: string };

const EMPTY: WebhookAnswer = { kind: 'empty' };
const clip = (text: string) => (text.length > 120 ? `${text.slice(0, 120)}…` : text);

export function readWebhookAnswer(status: number, contentType: string | undefined, body: string): WebhookAnswer {
  if (status !== 200) return { kind: 'unexpected', detail: `HTTP ${status}${body ? `: ${clip(body)}` : ''}` };
  if (!(contentType ?? '').toLowerCase().startsWith('application/json')) {
    return body === '' || body === 'ok' ? EMPTY : { kind: 'unexpected', detail: `body ${JSON.stringify(clip(body))}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'unexpected', detail: `invalid JSON ${JSON.stringify(clip(body))}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'unexpected', detail: `JSON ${clip(body)}` };
  }
  const { method, ...payload } = parsed as Record<string, unknown>;
  if (typeof method !== 'string' || !CARRIED.has(method)) {
    return { kind: 'unexpected', detail: `JSON without a carried method: ${clip(body)}` };
  }
  return { kind: 'call', method, payload };
}
