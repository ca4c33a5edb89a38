// File logging with a tiny BOT_LOG_MAX_SIZE: the files rotate, every line is valid JSON, and no line is lost.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DialogManager } from '../../../runtime/dialogs/index.js';
import { loggerOptions, readLogSettings } from '../../../runtime/log/index.js';
import { MemoryStore } from '../../../runtime/store/index.js';
import { RecordingAdapter } from '../../support/recording-adapter.js';
import { SPEC } from '../dialogs/harness.js';
import { capture, logFiles, waitUntil } from './helpers.js';

describe('log files', () => {
  it('rotate at BOT_LOG_MAX_SIZE and lose no line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'scenarist-rotation-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const dir = join(root, 'logs');
    const settings = readLogSettings({ BOT_LOG_LEVEL: 'INFO', BOT_FILE_LOGGING: 'true', BOT_LOG_DIR: dir, BOT_LOG_MAX_SIZE: '1k', BOT_LOG_MAX_FILES: '1000' });
    expect(settings).toMatchObject({ fileLogging: true, maxSize: '1k', dir });
    const { logger, raw } = capture(loggerOptions(settings));

    const manager = new DialogManager({ store: new MemoryStore(), logger, sleep: async () => undefined });
    const adapter = new RecordingAdapter();
    manager.registerPlatformAdapter('test', adapter);
    manager.registerBot('bot', SPEC);
    const chats = Array.from({ length: 20 }, (_, i) => `chat-${i}`);
    let id = 1;
    // pino-roll rolls between the writes of its worker, and a burst of lines reaches it as one write: pace the
    // updates a little, as a running server's traffic is, so the 1k limit is crossed many times.
    for (const chat of chats) {
      for (const u of [{ text: '/start' }, { text: `Name of ${chat}` }, { press: 'more_info' }]) {
        await manager.processIncomingMessage({ botId: 'bot', platform: 'test', update: { id: id++, chat, ...u } });
        await new Promise((r) => setTimeout(r, 3));
      }
    }
    await waitUntil(() => manager.stats.deliveries === 0, 10_000, 'deliveries');
    await manager.stop();
    expect(adapter.sent).toHaveLength(chats.length * 5);

    const written = raw()
      .split('\n')
      .filter((l) => l !== '');
    // INCOMING x3, STATE_CHANGE x3 and OUTGOING x5 per chat, at INFO.
    expect(written.length).toBe(chats.length * 11);
    const fileText = () => logFiles(dir).map((f) => readFileSync(f, 'utf8'));
    await waitUntil(() => fileText().join('').split('\n').length - 1 >= written.length, 10_000, 'the log files');

    const files = logFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(5);
    const lines = fileText()
      .join('')
      .split('\n')
      .filter((l) => l !== '');
    // Nothing lost, nothing doubled, nothing torn: the files hold exactly the lines the console got.
    expect(lines.length).toBe(written.length);
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect([...lines].sort()).toEqual([...written].sort());
    // Files roll between lines, never in the middle of one (pino-roll's size accounting is approximate: bytes
    // written while a roll is pending count toward the next file, so a file may stop a little short of 1k).
    for (const text of fileText()) if (text !== '') expect(text.endsWith('\n')).toBe(true);
    const total = files.reduce((n, f) => n + statSync(f).size, 0);
    expect(total).toBe(written.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0));
  });
});
