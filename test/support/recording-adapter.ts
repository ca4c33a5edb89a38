import { DeliveryError, type OutboundMessage, type ParsedUpdate, type PlatformAdapter } from '../../runtime/adapters/types.js';

/** A test update: `{ id, chat, text?, press? }`. */
export interface TestUpdate {
  readonly id: number;
  readonly chat: string;
  readonly text?: string;
  readonly press?: string;
}

export interface Sent extends OutboundMessage {
  readonly botId: string;
  readonly chatId: string;
}

/**
 * A platform adapter for the "test" platform: updates are plain objects, sends are recorded, and failures can be
 * queued (a DeliveryError per queued entry, consumed by the next sends).
 */
export class RecordingAdapter implements PlatformAdapter {
  readonly platform = 'test';
  readonly sent: Sent[] = [];
  readonly acks: string[] = [];
  private readonly failures: DeliveryError[] = [];
  /** Resolves sends only when released (to hold a delivery in flight). */
  gate: Promise<void> | undefined;

  parseUpdate(update: unknown): ParsedUpdate {
    const u = update as Partial<TestUpdate> | null;
    if (!u || typeof u !== 'object' || typeof u.id !== 'number' || typeof u.chat !== 'string') return { kind: 'invalid', reason: 'expected { id, chat }' };
    if (u.text === undefined && u.press === undefined) return { kind: 'ignored', updateId: String(u.id), reason: 'nothing to say' };
    return { kind: 'message', updateId: String(u.id), chatId: u.chat, message: { text: u.text, press: u.press }, ...(u.press ? { ackId: `ack-${u.id}` } : {}) };
  }

  async send(botId: string, chatId: string, message: OutboundMessage): Promise<void> {
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push({ botId, chatId, text: message.text, buttons: message.buttons });
  }

  async acknowledge(_botId: string, ackId: string): Promise<void> {
    this.acks.push(ackId);
  }

  /** Whether a caller that can answer inline gets the acknowledgement as a call object (a webhook's answer). */
  inlineAcks = true;

  inlineAcknowledge(_botId: string, ackId: string): Readonly<Record<string, unknown>> | undefined {
    return this.inlineAcks ? { method: 'ack', ack_id: ackId } : undefined;
  }

  fail(kind: DeliveryError['kind'], times = 1, retryAfterMs?: number): void {
    for (let i = 0; i < times; i++) this.failures.push(new DeliveryError(`injected ${kind}`, kind, retryAfterMs));
  }

  texts(chatId: string): string[] {
    return this.sent.filter((s) => s.chatId === chatId).map((s) => s.text);
  }
}
