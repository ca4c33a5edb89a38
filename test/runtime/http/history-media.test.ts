import { describe, expect, it } from 'vitest';
import { maskedEntry } from '../../../runtime/http/masking.js';
import type { HistoryEntry } from '../../../runtime/store/index.js';

const file = { id: 'ab'.repeat(32), sha256: 'ab'.repeat(32), mime: 'image/jpeg', size: 5000, name: 'receipt.jpg' };
const key = { botId: 'shop', platform: 'telegram', chatId: '7' };

describe('history lines with media in the admin API', () => {
  it('keeps the references to files and cards, with captions and phone numbers masked like texts', () => {
    const received: HistoryEntry = { key, rev: 3, direction: 'in', step: 'receipt', media: [{ kind: 'photo', file }, { kind: 'contact', phone: '+33 6 12 34 56 78', first_name: 'Ann' }], at: 1 };
    const sent: HistoryEntry = { key, rev: 4, direction: 'out', step: 'show', text: '', media: [{ kind: 'image', file, caption: 'Mail ann@example.com' }, { kind: 'location', latitude: 1, longitude: 2 }], at: 2 };
    expect(maskedEntry(received, true).media).toEqual([{ kind: 'photo', file }, { kind: 'contact', phone: expect.not.stringContaining('56 78'), first_name: 'Ann' }]);
    expect(maskedEntry(sent, true).media).toEqual([{ kind: 'image', file, caption: expect.not.stringContaining('ann@example.com') }, { kind: 'location', latitude: 1, longitude: 2 }]);
    expect(maskedEntry(sent, false).media).toEqual(sent.media);
    expect(maskedEntry({ key, rev: 1, direction: 'in', step: null, text: 'hi', at: 0 }, true).media).toBeUndefined();
  });
});
