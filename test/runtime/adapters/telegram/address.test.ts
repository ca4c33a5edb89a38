import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAddress, encodeAddress } from '../../../../runtime/adapters/telegram/index.js';
import { fcOptions } from '../../../support/fc-settings.js';

describe('Telegram dialog addresses', () => {
  it('writes a private chat as its bare id and adds topic and member', () => {
    expect(encodeAddress({ chat: '77' })).toBe('77');
    expect(encodeAddress({ chat: '-100123', thread: 42 })).toBe('-100123:t42');
    expect(encodeAddress({ chat: '-100123', user: 77 })).toBe('-100123:u77');
    expect(encodeAddress({ chat: '-100123', thread: 42, user: 77 })).toBe('-100123:t42:u77');
  });

  it('reads back what it writes', () => {
    const chat = fc.oneof(fc.integer({ min: -1e13, max: 1e13 }).map(String), fc.stringMatching(/^@[A-Za-z0-9_]{1,32}$/));
    fc.assert(
      fc.property(chat, fc.option(fc.nat(), { nil: undefined }), fc.option(fc.integer({ min: -1e12, max: 1e12 }), { nil: undefined }), (c, thread, user) => {
        const address = { chat: c, ...(thread !== undefined ? { thread } : {}), ...(user !== undefined ? { user } : {}) };
        expect(decodeAddress(encodeAddress(address))).toEqual(address);
      }),
      fcOptions,
    );
  });

  it('takes anything else as a bare chat id', () => {
    for (const text of ['a:b', '1:u2:t3', '1:t2:t3', ':t1', '1:t', '1:tx', '1:t1:u2:u3']) expect(decodeAddress(text)).toEqual({ chat: text });
  });
});
