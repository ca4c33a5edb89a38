import type { IncomingFile } from '../../engine/index.js';
import type { MediaStore } from '../../media/index.js';
import { MediaDownloadError, type MediaDownload, type OutboundMessage, type ParsedUpdate, type PlatformAdapter } from '../types.js';
import { WebChatHub } from './hub.js';
import { parseWebChatUpdate } from './parse-update.js';

/**
 * The browser chat. A reply is in the dialog's history from the moment its turn is committed, and a page reads
 * the history through its live stream; sending only wakes the streams of the dialog. So a reply is never lost
 * to a closed tab: the page shows it when it reconnects, after a reload or a server restart.
 *
 * Files reach the media store before their message (the page uploads them first), so a "download" only looks
 * the upload up.
 */
export class WebChatAdapter implements PlatformAdapter {
  readonly platform = 'webchat';
  readonly methods = { send: 'push' } as const;

  constructor(
    readonly hub: WebChatHub = new WebChatHub(),
    readonly media?: MediaStore,
  ) {}

  parseUpdate(update: unknown): ParsedUpdate {
    return parseWebChatUpdate(update);
  }

  async send(botId: string, chatId: string, _message: OutboundMessage): Promise<void> {
    this.hub.notify(botId, chatId);
  }

  async download(_botId: string, file: IncomingFile, _signal?: AbortSignal): Promise<MediaDownload> {
    const stored = await this.media?.stat(file.ref);
    if (!stored) throw new MediaDownloadError(`no upload ${file.ref} in the media store`, 'permanent');
    return { kind: 'stored', file: stored };
  }
}
