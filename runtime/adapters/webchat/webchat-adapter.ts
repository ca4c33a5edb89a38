import type { OutboundMessage, ParsedUpdate, PlatformAdapter } from '../types.js';
import { WebChatHub } from './hub.js';
import { parseWebChatUpdate } from './parse-update.js';

/**
 * The browser chat. A reply is in the dialog's history from the moment its turn is committed, and a page reads
 * the history through its live stream; sending only wakes the streams of the dialog. So a reply is never lost
 * to a closed tab: the page shows it when it reconnects, after a reload or a server restart.
 */
export class WebChatAdapter implements PlatformAdapter {
  readonly platform = 'webchat';
  readonly methods = { send: 'push' } as const;

  constructor(readonly hub: WebChatHub = new WebChatHub(), readonly media?: import('../../media/index.js').MediaStore) {}

  parseUpdate(update: unknown): ParsedUpdate {
    return parseWebChatUpdate(update);
  }

  async send(botId: string, chatId: string, _message: OutboundMessage): Promise<void> {
    this.hub.notify(botId, chatId);
  }
}
