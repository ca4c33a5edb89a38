import type { Literal } from '../expression/ast.js';

export interface FilterDef {
  /** Exact number of arguments. */
  arity: number;
  /** Example shown in FILTER_ARGS messages. */
  usage: string;
  apply(value: unknown, args: readonly Literal[]): unknown;
}

/** Display form of any value: undefined/null -> "", arrays of scalars joined by ", ", objects -> "". */
export function toText(value: unknown, nested = false): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      // One level only, so a self-containing array cannot recurse forever.
      return Array.isArray(value) && !nested ? value.map((v) => toText(v, true)).join(', ') : '';
    default:
      return '';
  }
}

const text = (f: (s: string) => string, usage: string): FilterDef => ({ arity: 0, usage, apply: (v) => f(toText(v)) });

export const FILTERS: ReadonlyMap<string, FilterDef> = new Map<string, FilterDef>([
  [
    'default',
    {
      arity: 1,
      usage: 'default: "friend"',
      apply: (v, args) => (v === undefined || v === null || v === '' ? args[0] : v),
    },
  ],
  ['upper', text((s) => s.toUpperCase(), 'upper')],
  ['lower', text((s) => s.toLowerCase(), 'lower')],
  ['trim', text((s) => s.trim(), 'trim')],
  // Only the first letter changes, so names such as "McKay" keep their inner capitals.
  ['capitalize', text((s) => s.charAt(0).toUpperCase() + s.slice(1), 'capitalize')],
]);

export const KNOWN_FILTERS: readonly string[] = [...FILTERS.keys()];
