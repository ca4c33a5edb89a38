/**
 * A media input takes exactly the files it declares: a message's files are fetched when every file is of an accepted
 * kind, their number is within [min_count, max_count], and each declared size and type is within the limits; any
 * other message is refused (the step's error message). Location and contact answers are stored at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dialog, type IncomingFile } from '../../runtime/engine/index.js';
import { FILE_KINDS, type FileKind, type IrMediaInput } from '../../compiler/index.js';
import { mediaConfig } from '../support/media-ir.js';
import { fcOptions } from '../support/fc-settings.js';

const kindArb = fc.constantFrom<FileKind>(...FILE_KINDS);
const specArb: fc.Arbitrary<IrMediaInput> = fc
  .record({
    kinds: fc.uniqueArray(kindArb, { minLength: 1, maxLength: 5 }),
    minCount: fc.integer({ min: 1, max: 3 }),
    extra: fc.integer({ min: 0, max: 2 }),
    maxBytes: fc.integer({ min: 100, max: 10_000 }),
    mime: fc.option(fc.constantFrom(['image/*'], ['application/pdf', 'image/png']), { nil: undefined }),
  })
  .map(({ kinds, minCount, extra, maxBytes, mime }) => ({ kinds, minCount, maxCount: minCount + extra, maxBytes, ...(mime ? { mime } : {}) }));
const fileArb: fc.Arbitrary<IncomingFile> = fc.record(
  {
    kind: kindArb,
    ref: fc.string({ minLength: 1, maxLength: 4 }),
    size: fc.integer({ min: 0, max: 12_000 }),
    mime: fc.constantFrom('image/jpeg', 'image/png', 'application/pdf', 'text/plain'),
  },
  { requiredKeys: ['kind', 'ref'] },
);

const mimeOk = (mime: string | undefined, accepted: readonly string[] | undefined) =>
  mime === undefined || accepted === undefined || accepted.some((a) => (a.endsWith('/*') ? mime.startsWith(a.slice(0, -1)) : mime === a));

/** The rule, written from the definition rather than from the code. */
const takes = (spec: IrMediaInput, files: readonly IncomingFile[]) =>
  files.length >= spec.minCount &&
  files.length <= spec.maxCount &&
  files.every((f) => spec.kinds.includes(f.kind) && (f.size === undefined || f.size <= spec.maxBytes) && mimeOk(f.mime, spec.mime));

const ask = { message: { text: 'Send it' }, expected_input: { type: 'text', variable: 'v', error_message: 'No.' }, next_step: 'done' };

describe('media inputs', () => {
  it('fetch exactly the declared kinds, within count, size and type; refuse everything else', () => {
    fc.assert(
      fc.property(specArb, fc.array(fileArb, { maxLength: 5 }), fc.boolean(), (spec, files, withLocation) => {
        const d = new Dialog(mediaConfig({ q: ask, done: { message: { text: 'ok' } } }, { q: { input: spec } }));
        d.send({ text: 'hi' });
        const r = d.send(withLocation ? { files, location: { kind: 'location', latitude: 1, longitude: 2 } } : { files });
        if (files.length > 0 && takes(spec, files)) {
          expect(r.effects).toEqual([{ type: 'fetch', step: 'q', files, limits: spec.mime ? { maxBytes: spec.maxBytes, mime: spec.mime } : { maxBytes: spec.maxBytes } }]);
          expect(r.refused).toBe(false);
        } else {
          expect(r.effects.map((e) => e.type)).toEqual(['say']);
          expect(r.refused).toBe(true);
        }
        expect(r.step).toBe('q');
      }),
      fcOptions,
    );
  });

  it('store a location or contact at once when the input lists it, and refuse it otherwise', () => {
    const cardKind = fc.constantFrom<'location' | 'contact'>('location', 'contact');
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom<'location' | 'contact' | FileKind>('location', 'contact', ...FILE_KINDS), { minLength: 1, maxLength: 4 }), cardKind, (kinds, sent) => {
        const d = new Dialog(mediaConfig({ q: ask, done: { message: { text: 'ok' } } }, { q: { input: { kinds, minCount: 1, maxCount: 1, maxBytes: 1000 } } }));
        d.send({ text: 'hi' });
        const card = sent === 'location' ? { location: { kind: 'location' as const, latitude: 3, longitude: 4 } } : { contact: { kind: 'contact' as const, phone: '+1', first_name: 'A' } };
        const r = d.send(card);
        expect(r.refused).toBe(!kinds.includes(sent));
        expect(d.vars['v']).toEqual(kinds.includes(sent) ? Object.values(card)[0] : undefined);
      }),
      fcOptions,
    );
  });
});
