import type { ScnWord } from '../../grammar/index.js';
import type { Loc } from '../diagnostics/types.js';
import type { Located, SourceString } from '../scenario/ast.js';
import { plainSource, quotedSource } from './source-string.js';

/** Turns the words of a .scn file into located values. */
export class ScnSource {
  constructor(readonly text: string) {}

  str(w: ScnWord): SourceString {
    return w.quoted ? quotedSource(w.value, w.start, w.end, this.text) : plainSource(w.value, w.start);
  }

  located(w: ScnWord): Located<string> {
    return { value: w.value, loc: loc(w) };
  }
}

export const loc = (x: { start: number; end: number }): Loc => ({ offset: x.start, length: x.end - x.start });
