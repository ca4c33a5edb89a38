import { describe, expect, it } from 'vitest';
import { nextState, type TurnOutcome } from '../../../runtime/dialogs/next-state.js';
import type { OutMedia, StoredFile } from '../../../runtime/engine/index.js';
import type { DialogKey } from '../../../runtime/store/index.js';

const key: DialogKey = { botId: 'b', platform: 'telegram', chatId: '1' };
const file: StoredFile = { id: 'f1', sha256: 'f1', mime: 'image/jpeg', size: 321, name: 'receipt.jpg' };
const buttons = [{ text: 'OK', value: 'ok' }];
const outcome = (t: Partial<TurnOutcome>): TurnOutcome => ({
  key,
  previous: undefined,
  scenarioVersion: 'v1',
  stepBefore: 'ask',
  stepAfter: 'show',
  vars: {},
  snapshot: {},
  effects: [],
  now: 10,
  ...t,
});

describe('nextState: media', () => {
  const image: OutMedia = { type: 'image', source: { file }, caption: 'receipt.jpg, 321 bytes' };
  const place: OutMedia = { kind: 'location', latitude: 1.5, longitude: 2.5 };

  it('sends the text, then one message per medium with its caption, buttons on the last', () => {
    const { state, history } = nextState(outcome({ effects: [{ type: 'say', step: 'show', text: 'Here:', buttons, media: [image, place] }] }));
    expect(state.outbox).toEqual([
      { seq: 1, text: 'Here:', buttons: [], step: 'show', at: 10 },
      { seq: 2, text: 'receipt.jpg, 321 bytes', buttons: [], media: image, step: 'show', at: 10 },
      { seq: 3, text: '', buttons, media: place, step: 'show', at: 10 },
    ]);
    expect(state.lastSeq).toBe(3);
    expect(history.map((h) => h.media)).toEqual([undefined, [{ kind: 'image', file, caption: 'receipt.jpg, 321 bytes' }], [place]]);
  });

  it('sends no empty text message before media; a say without media is one message as before', () => {
    const url: OutMedia = { type: 'document', source: { url: 'https://x.example/terms.pdf' } };
    const { state, history } = nextState(
      outcome({
        effects: [
          { type: 'say', step: 'show', text: '', buttons: [], media: [url] },
          { type: 'say', step: 'show', text: 'Bye', buttons: [] },
        ],
      }),
    );
    expect(state.outbox.map((m) => [m.text, m.media])).toEqual([
      ['', url],
      ['Bye', undefined],
    ]);
    expect(state.outbox[1]).not.toHaveProperty('media');
    expect(history[0]!.media).toEqual([{ kind: 'document', url: 'https://x.example/terms.pdf' }]);
  });

  it('notes what the user sent in the inbound line: files as declared without their handle, and cards', () => {
    const { history } = nextState(
      outcome({
        inbound: {
          updateId: 'u1',
          message: {
            text: 'caption',
            files: [{ kind: 'document', ref: 'secret-file-id', name: 'a.pdf', mime: 'application/pdf', size: 99 }, { kind: 'photo', ref: 'p' }],
            location: { kind: 'location', latitude: 3, longitude: 4 },
          },
        },
      }),
    );
    expect(history[0]).toMatchObject({ direction: 'in', text: 'caption', updateId: 'u1' });
    expect(history[0]!.media).toEqual([{ kind: 'document', name: 'a.pdf', mime: 'application/pdf', size: 99 }, { kind: 'photo' }, { kind: 'location', latitude: 3, longitude: 4 }]);
    expect(JSON.stringify(history)).not.toContain('secret-file-id');
  });

  it('a text message has no media in its inbound line', () => {
    const { history } = nextState(outcome({ inbound: { updateId: 'u2', message: { text: 'hi' } } }));
    expect(history[0]).not.toHaveProperty('media');
  });
});
