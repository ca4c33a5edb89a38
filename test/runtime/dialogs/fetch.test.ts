import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaDownloadError, type MediaDownload, type PlatformAdapter } from '../../../runtime/adapters/types.js';
import { FETCH_ATTEMPTS, type DialogEvent, type FetchOutcome } from '../../../runtime/dialogs/index.js';
import { Dialog, type IncomingFile, type MachineConfig } from '../../../runtime/engine/index.js';
import { MemoryMediaStore } from '../../../runtime/media/index.js';
import type { AgendaEntry, DialogKey, Store } from '../../../runtime/store/index.js';
import { PDF, PNG } from '../media/contract.js';
import { harness, key, SPEC, type Harness } from './harness.js';

const text = (t: string) => ({ parts: [{ kind: 'text', text: t }] });

/** SPEC, and at ask_name (standing in for a media input step): media.stored says "Got it" and goes to goodbye. */
const RECEIVING = (() => {
  const askName = SPEC.states['ask_name']!;
  const on = { ...askName.on, 'media.stored': [{ actions: ['beginTurn', { type: 'say', params: { step: 'ask_name', text: text('Got it'), buttons: [] } }], target: 'goodbye' }] };
  return { ...SPEC, version: `${SPEC.version}-media`, states: { ...SPEC.states, ask_name: { ...askName, on } } } as unknown as MachineConfig;
})();

const PHOTO: IncomingFile = { kind: 'photo', ref: 'file-id-1', mime: 'image/png', name: 'receipt.png' };
const fetchEntry = (id: string, files: IncomingFile[] = [PHOTO], attempts = 0, maxBytes = 1_000_000, mime?: string[]): AgendaEntry => ({
  id,
  kind: 'fetch',
  name: 'fetch',
  step: 'ask_name',
  due: 0,
  at: 0,
  fetch: { files, limits: { maxBytes, ...(mime ? { mime } : {}) } },
  attempts,
});

async function putAgenda(store: Store, k: DialogKey, agenda: AgendaEntry[]): Promise<void> {
  const state = (await store.getDialog(k))!;
  expect(await store.writeDialog({ expectedRev: state.rev, state: { ...state, rev: state.rev + 1, agenda }, history: [] })).toBeTruthy();
}

type Script = (file: IncomingFile, signal: AbortSignal) => Promise<MediaDownload>;
const stream = (...chunks: Buffer[]): MediaDownload => ({ kind: 'stream', body: Readable.from(chunks) });

/** Gives the harness's adapter a scripted download (one step per attempt), noting each call and the entry meanwhile. */
function scriptDownloads(h: Harness, script: Script[]): { calls: string[]; attemptsSeen: number[] } {
  const calls: string[] = [];
  const attemptsSeen: number[] = [];
  (h.adapter as PlatformAdapter).download = async (_botId, file, signal) => {
    calls.push(file.ref);
    attemptsSeen.push((await h.store.getDialog(key('c')))!.agenda![0]!.attempts!);
    const next = script.shift();
    if (!next) throw new Error('no more downloads scripted');
    return next(file, signal);
  };
  return { calls, attemptsSeen };
}

const outcomes = (events: DialogEvent[]): [FetchOutcome, number][] => events.flatMap((e) => (e.type === 'fetch' ? [[e.outcome, e.attempts] as [FetchOutcome, number]] : []));

describe('dialog manager: fetching the files users send', () => {
  afterEach(() => vi.restoreAllMocks());

  async function setUp(agenda: AgendaEntry[], sleep?: (ms: number) => Promise<void>) {
    const media = new MemoryMediaStore();
    const h = harness({ config: RECEIVING, clock: () => 5000, media, ...(sleep ? { sleep } : {}) });
    const events: DialogEvent[] = [];
    h.manager.observe((e) => events.push(e));
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await putAgenda(h.store, key('c'), agenda);
    return { h, media, events, sent: vi.spyOn(Dialog.prototype, 'sendEvent') };
  }

  it('stores the file, applies media.stored once with the stored file, and writes an inbound history line referencing it', async () => {
    const { h, media, events, sent } = await setUp([fetchEntry('9.1')]);
    const { attemptsSeen } = scriptDownloads(h, [async () => stream(PNG.subarray(0, 20), PNG.subarray(20))]);
    expect(await h.manager.fireFetch(key('c'), fetchEntry('9.1'))).toBe('applied');
    expect(attemptsSeen).toEqual([1]);
    const stored = (await media.stat(sent.mock.calls[0]![0].type === 'media.stored' && sent.mock.calls[0]![0].ok ? sent.mock.calls[0]![0].files[0]!.id : ''))!;
    expect(stored).toMatchObject({ mime: 'image/png', size: PNG.length, name: 'receipt.png' });
    expect(sent.mock.calls.map(([e]) => e)).toEqual([{ type: 'media.stored', ok: true, files: [{ ...stored, kind: 'photo' }] }]);
    const record = (await h.store.getDialog(key('c')))!;
    expect(record).toMatchObject({ step: null, agenda: undefined });
    expect(record.recentUpdates).toContain('agenda:9.1');
    const history = await h.store.history(key('c'), { limit: 10 });
    expect(history.filter((e) => e.media)).toEqual([expect.objectContaining({ direction: 'in', step: 'ask_name', media: [{ kind: 'photo', file: stored }] })]);
    expect(await h.manager.fireFetch(key('c'), fetchEntry('9.1'))).toBe('duplicate');
    expect(outcomes(events)).toEqual([
      ['ok', 1],
      ['duplicate', 0],
    ]);
    expect(events.find((e) => e.type === 'fetch' && e.outcome === 'ok')).toMatchObject({ files: 1, bytes: PNG.length });
  });

  it('retries a download that failed for a while (retry error, then a network error) with backoff, each attempt written first', async () => {
    const waits: number[] = [];
    const { h, events, sent } = await setUp([fetchEntry('9.1')], async (ms) => void waits.push(ms));
    const { attemptsSeen } = scriptDownloads(h, [
      async () => {
        throw new MediaDownloadError('the platform answered 502', 'retry');
      },
      async () => ({ kind: 'stream', body: Readable.from((async function* () { yield PNG.subarray(0, 10); throw Object.assign(new Error('socket hang up: https://api.telegram.org/file/bot1:SECRET/p.jpg'), { code: 'ECONNRESET' }); })()) }),
      async () => stream(PNG),
    ]);
    expect(await h.manager.fireFetch(key('c'), fetchEntry('9.1'))).toBe('applied');
    expect(attemptsSeen).toEqual([1, 2, 3]);
    expect(waits).toEqual([1000, 2000]);
    expect(sent.mock.calls.map(([e]) => e.type === 'media.stored' && e.ok)).toEqual([true]);
    expect(outcomes(events)).toEqual([['ok', 3]]);
    expect(h.lines.filter((l) => l['event_type'] === 'MEDIA' && 'duration_ms' in l).map((l) => [l['attempt'], l['error'] ?? 'stored'])).toEqual([
      [1, 'download'],
      [2, 'download'],
      [3, 'stored'],
    ]);
    // A platform's file URL carries its token: never in a log line.
    expect(JSON.stringify(h.lines)).not.toContain('SECRET');
  });

  it(`gives up after ${FETCH_ATTEMPTS} attempts, and at once on a permanent error: media.stored download`, async () => {
    const { h, events, sent } = await setUp([fetchEntry('9.1')]);
    const retry = async (): Promise<MediaDownload> => {
      throw new MediaDownloadError('the platform answered 502', 'retry');
    };
    const { calls } = scriptDownloads(h, [retry, retry, retry]);
    expect(await h.manager.fireFetch(key('c'), fetchEntry('9.1'))).toBe('applied');
    expect(calls).toHaveLength(FETCH_ATTEMPTS);
    expect(sent.mock.calls.map(([e]) => e)).toEqual([{ type: 'media.stored', ok: false, error: 'download', detail: 'the platform answered 502' }]);

    const second = await setUp([fetchEntry('9.2')]);
    const permanent = scriptDownloads(second.h, [
      async () => {
        throw new MediaDownloadError('the file is too big for the platform to hand out', 'permanent');
      },
    ]);
    expect(await second.h.manager.fireFetch(key('c'), fetchEntry('9.2'))).toBe('applied');
    expect(permanent.calls).toHaveLength(1);
    expect(second.sent.mock.calls.at(-1)![0]).toEqual({ type: 'media.stored', ok: false, error: 'download', detail: 'the file is too big for the platform to hand out' });
    expect(outcomes(events)).toEqual([['download', 3]]);
    expect(outcomes(second.events)).toEqual([['download', 1]]);
  });

  it('stops reading a file over the limit while it streams: too_large, nothing stored, no retry', async () => {
    const { h, media, sent } = await setUp([fetchEntry('9.1', [PHOTO], 0, 64 * 1024)]);
    let pulled = 0;
    async function* big(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield i === 0 ? Buffer.concat([PNG, Buffer.alloc(16 * 1024 - PNG.length)]) : Buffer.alloc(16 * 1024, 1);
      }
    }
    const body = Readable.from(big());
    const { calls } = scriptDownloads(h, [async () => ({ kind: 'stream', body })]);
    expect(await h.manager.fireFetch(key('c'), fetchEntry('9.1', [PHOTO], 0, 64 * 1024))).toBe('applied');
    expect(calls).toHaveLength(1);
    expect(pulled).toBeLessThan(10);
    expect(body.destroyed).toBe(true);
    expect(sent.mock.calls.map(([e]) => e.type === 'media.stored' && !e.ok && e.error)).toEqual(['too_large']);
    expect(await media.deleteOlderThan(Infinity)).toBe(0);
  });

  it('refuses a file whose bytes are not what was declared: a PDF declared image/jpeg gives type', async () => {
    const liar: IncomingFile = { kind: 'photo', ref: 'f', mime: 'image/jpeg', name: 'photo.jpg' };
    const { h, media, sent } = await setUp([fetchEntry('9.1', [liar], 0, 1_000_000, ['image/*'])]);
    scriptDownloads(h, [async () => ({ kind: 'stream', body: Readable.from([PDF]), mime: 'image/jpeg' })]);
    expect(await h.manager.fireFetch(key('c'), fetchEntry('9.1', [liar], 0, 1_000_000, ['image/*']))).toBe('applied');
    expect(sent.mock.calls.map(([e]) => e)).toEqual([{ type: 'media.stored', ok: false, error: 'type', detail: expect.stringContaining('application/pdf') }]);
    expect(await media.deleteOlderThan(Infinity)).toBe(0);
    expect((await h.store.history(key('c'), { limit: 10 })).some((e) => e.media)).toBe(false);
  });

  it('takes a file the platform stored already (web chat) within the same limits', async () => {
    const { h, media, sent } = await setUp([fetchEntry('9.1', [PHOTO], 0, 1_000_000, ['image/*'])]);
    const put = await media.put([PNG], { maxBytes: 1000, name: 'upload.png' });
    const file = put.ok ? put.file : undefined!;
    scriptDownloads(h, [async () => ({ kind: 'stored', file })]);
    expect(await h.manager.fireFetch(key('c'), fetchEntry('9.1', [PHOTO], 0, 1_000_000, ['image/*']))).toBe('applied');
    expect(sent.mock.calls.map(([e]) => e)).toEqual([{ type: 'media.stored', ok: true, files: [{ ...file, kind: 'photo', name: 'receipt.png' }] }]);

    const small = await setUp([fetchEntry('9.2', [PHOTO], 0, 10)]);
    scriptDownloads(small.h, [async () => ({ kind: 'stored', file })]);
    expect(await small.h.manager.fireFetch(key('c'), fetchEntry('9.2', [PHOTO], 0, 10))).toBe('applied');
    expect(small.sent.mock.calls.at(-1)![0]).toMatchObject({ type: 'media.stored', ok: false, error: 'too_large' });
  });

  it('takes files in order; the first refused ends the fetch', async () => {
    const files: IncomingFile[] = [PHOTO, { kind: 'document', ref: 'file-id-2', name: 'doc.pdf' }];
    const { h, sent } = await setUp([fetchEntry('9.1', files)]);
    const { calls } = scriptDownloads(h, [async () => stream(PNG), async () => stream(PDF)]);
    expect(await h.manager.fireFetch(key('c'), fetchEntry('9.1', files))).toBe('applied');
    expect(calls).toEqual(['file-id-1', 'file-id-2']);
    const event = sent.mock.calls[0]![0];
    expect(event.type === 'media.stored' && event.ok && event.files.map((f) => [f.kind, f.mime, f.name])).toEqual([
      ['photo', 'image/png', 'receipt.png'],
      ['document', 'application/pdf', 'doc.pdf'],
    ]);
  });

  it('after a crash mid-download (the attempt in the record), the entry is claimed again and the attempt counted', async () => {
    const { h, sent } = await setUp([fetchEntry('9.1', [PHOTO], 1)]);
    const { attemptsSeen } = scriptDownloads(h, [async () => stream(PNG)]);
    // Fired from the record, as the agenda runner does after it claimed the dialog whose holder died.
    const due = (await h.store.getDialog(key('c')))!.agenda![0]!;
    expect(await h.manager.fireEntry(key('c'), due)).toBe('applied');
    expect(attemptsSeen).toEqual([2]);
    expect(sent.mock.calls.map(([e]) => e.type === 'media.stored' && e.ok)).toEqual([true]);

    // Every attempt spent by holders that died: download, without a request.
    const spent = await setUp([fetchEntry('9.2', [PHOTO], FETCH_ATTEMPTS)]);
    const none = scriptDownloads(spent.h, []);
    expect(await spent.h.manager.fireEntry(key('c'), fetchEntry('9.2', [PHOTO], FETCH_ATTEMPTS))).toBe('applied');
    expect(none.calls).toEqual([]);
    expect(spent.sent.mock.calls.at(-1)![0]).toMatchObject({ type: 'media.stored', ok: false, error: 'download' });
  });

  it('times a download out after fetchTimeoutMs through its abort signal', async () => {
    const media = new MemoryMediaStore();
    const h = harness({ config: RECEIVING, clock: () => 5000, media, fetchTimeoutMs: 1000 });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await putAgenda(h.store, key('c'), [fetchEntry('9.1')]);
    const sent = vi.spyOn(Dialog.prototype, 'sendEvent');
    const signals: AbortSignal[] = [];
    const hang: Script = (_f, signal) => {
      signals.push(signal);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    scriptDownloads(h, [hang, hang, hang]);
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const fired = h.manager.fireFetch(key('c'), fetchEntry('9.1'));
    for (let i = 0; i < FETCH_ATTEMPTS; i++) {
      await vi.waitFor(() => expect(signals).toHaveLength(i + 1));
      await vi.advanceTimersByTimeAsync(1000);
    }
    vi.useRealTimers();
    expect(await fired).toBe('applied');
    expect(sent.mock.calls.at(-1)![0]).toEqual({ type: 'media.stored', ok: false, error: 'download', detail: 'the download timed out' });
  });

  it('drops the outcome when the dialog left the step during the download', async () => {
    const { h, events, sent } = await setUp([fetchEntry('9.1')]);
    scriptDownloads(h, [
      async () => {
        await h.manager.resetDialog(key('c'));
        return stream(PNG);
      },
    ]);
    expect(await h.manager.fireFetch(key('c'), fetchEntry('9.1'))).toBe('dropped');
    expect(sent).not.toHaveBeenCalled();
    expect(outcomes(events)).toEqual([['dropped', 1]]);
  });
});
