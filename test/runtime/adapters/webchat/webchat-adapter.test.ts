import { describe, expect, it } from 'vitest';
import { WebChatAdapter, WebChatHub } from '../../../../runtime/adapters/webchat/index.js';
import { MediaDownloadError } from '../../../../runtime/adapters/types.js';
import { MemoryMediaStore } from '../../../../runtime/media/index.js';

describe('WebChatHub', () => {
  it('wakes only the streams of the notified dialog, and forgets a stream once it stops', () => {
    const hub = new WebChatHub();
    const woken: string[] = [];
    const stopA1 = hub.subscribe('bot', 'chat-a', () => woken.push('a1'));
    hub.subscribe('bot', 'chat-a', () => woken.push('a2'));
    hub.subscribe('bot', 'chat-b', () => woken.push('b'));
    hub.subscribe('other', 'chat-a', () => woken.push('other-a'));
    expect([hub.count('bot', 'chat-a'), hub.count('bot', 'chat-b'), hub.count('bot', 'chat-c'), hub.size]).toEqual([2, 1, 0, 4]);

    hub.notify('bot', 'chat-a');
    expect(woken).toEqual(['a1', 'a2']);
    stopA1();
    stopA1(); // stopping twice changes nothing
    hub.notify('bot', 'chat-a');
    hub.notify('bot', 'nobody');
    expect(woken).toEqual(['a1', 'a2', 'a2']);
    expect([hub.count('bot', 'chat-a'), hub.size]).toEqual([1, 3]);
  });

  it('keeps bot and chat apart in its keys', () => {
    const hub = new WebChatHub();
    const woken: string[] = [];
    hub.subscribe('ab', 'c', () => woken.push('ab/c'));
    hub.subscribe('a', 'bc', () => woken.push('a/bc'));
    hub.notify('a', 'bc');
    expect(woken).toEqual(['a/bc']);
  });

  it('drops the entry of a dialog whose last stream stopped', () => {
    const hub = new WebChatHub();
    const stop = hub.subscribe('bot', 'chat', () => undefined);
    stop();
    expect(hub.size).toBe(0);
    // A new stream after that is woken again (the emptied set was not kept around detached).
    let woken = 0;
    hub.subscribe('bot', 'chat', () => woken++);
    hub.notify('bot', 'chat');
    expect([woken, hub.count('bot', 'chat')]).toEqual([1, 1]);
  });

  it('a stop function called again later does not unsubscribe a newer stream of the same dialog', () => {
    const hub = new WebChatHub();
    const stopOld = hub.subscribe('bot', 'chat', () => undefined);
    stopOld();
    let woken = 0;
    hub.subscribe('bot', 'chat', () => woken++);
    stopOld();
    hub.notify('bot', 'chat');
    expect([woken, hub.count('bot', 'chat'), hub.size]).toEqual([1, 1, 1]);
  });
});

describe('WebChatAdapter', () => {
  it('sends by waking the streams of the dialog: the reply itself is read from the history', async () => {
    const adapter = new WebChatAdapter();
    const woken: string[] = [];
    adapter.hub.subscribe('greeter', 'session-0000000001', () => woken.push('1'));
    adapter.hub.subscribe('greeter', 'session-0000000002', () => woken.push('2'));
    await adapter.send('greeter', 'session-0000000002', { text: 'hello', buttons: [] });
    expect(woken).toEqual(['2']);
    expect([adapter.platform, adapter.methods]).toEqual(['webchat', { send: 'push' }]);
  });

  it('parses updates like parseWebChatUpdate and uses a hub it is given', () => {
    const hub = new WebChatHub();
    const adapter = new WebChatAdapter(hub);
    expect(adapter.hub).toBe(hub);
    expect(adapter.parseUpdate({ session: 'abcdefghijklmnop', id: '1', press: 'end' })).toEqual({ kind: 'message', updateId: '1', chatId: 'abcdefghijklmnop', message: { press: 'end' } });
    expect(adapter.parseUpdate({})).toEqual({ kind: 'invalid', reason: '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -' });
  });
});

describe('WebChatAdapter.download', () => {
  it('answers an upload as already stored, and a missing one as a permanent failure', async () => {
    const media = new MemoryMediaStore();
    const put = await media.put([Buffer.from('a receipt, as text')], { maxBytes: 1000, name: 'receipt.txt', declaredMime: 'text/plain' });
    if (!put.ok) throw new Error('the upload was refused');
    const adapter = new WebChatAdapter(new WebChatHub(), media);
    const signal = new AbortController().signal;
    expect(await adapter.download('bot', { kind: 'document', ref: put.file.id }, signal)).toEqual({ kind: 'stored', file: put.file });
    const missing = adapter.download('bot', { kind: 'document', ref: 'f'.repeat(64) }, signal);
    await expect(missing).rejects.toBeInstanceOf(MediaDownloadError);
    await expect(missing).rejects.toMatchObject({ kind: 'permanent' });
    await expect(new WebChatAdapter().download('bot', { kind: 'photo', ref: put.file.id }, signal)).rejects.toMatchObject({ kind: 'permanent' });
  });
});
