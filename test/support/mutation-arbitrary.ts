/**
 * Mutations of valid scenarios, to feed the compiler broken input that still looks like a scenario:
 * - textual: insert / delete / replace characters of the JSON text (mostly yields JSON syntax errors);
 * - structural: replace, delete or add a value somewhere in the document (yields every kind of checker
 *   diagnostic: unknown steps, wrong types, bad expressions and templates, bad buttons...).
 */
import fc from 'fast-check';
import { scenarioDocArb, scenarioText } from './scenario-arbitrary.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface TextEdit {
  readonly kind: 'insert' | 'delete' | 'replace';
  readonly at: number;
  readonly length: number;
  readonly text: string;
}

const JSON_BITS = ['{', '}', '[', ']', '"', ':', ',', '\\', '\\u', '0', '-', '.', 'e', ' ', '\n', '\r', '\t', 'true', 'null', '"s0"', '//', '/*', '\u0000', '\u00e9', '\ud83d\ude00', '\ud800'];

const textEditArb: fc.Arbitrary<TextEdit> = fc.record({
  kind: fc.constantFrom('insert' as const, 'delete' as const, 'replace' as const),
  at: fc.nat({ max: 100_000 }),
  length: fc.integer({ min: 1, max: 12 }),
  text: fc.oneof(fc.constantFrom(...JSON_BITS), fc.string({ maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 3 })),
});

function applyEdit(text: string, e: TextEdit): string {
  const at = e.at % (text.length + 1);
  switch (e.kind) {
    case 'insert':
      return text.slice(0, at) + e.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + e.length);
    case 'replace':
      return text.slice(0, at) + e.text + text.slice(at + e.text.length);
  }
}

/** A valid scenario's JSON text with 1-5 character-level edits. */
export const textMutationArb: fc.Arbitrary<string> = fc
  .tuple(scenarioDocArb, fc.array(textEditArb, { minLength: 1, maxLength: 5 }))
  .map(([doc, edits]) => edits.reduce(applyEdit, scenarioText(doc)));

const STRINGS = [
  '', ' ', 's0', 's1', 's99', 'S0', '1abc', 'a b', 'x'.repeat(70), 'a', 'b', 'yes', '/help', '/start', '/Bad', 'help',
  'button', 'integer', 'number', 'text', 'email', 'phone', 'date', 'message', 'conditional', 'choice', 'user', 'count',
  'count +', 'count + 1', 'n > "a"', 'n - "x"', 't contains 3', 'choice == more_info', 'user.id > 3', 'user.nope', 'x matches "("',
  'x matches "(a+)+$"', '"unterminated', 'not', '((((((((((1))))))))))', 'a in []', 'n is empty', '1 / 0', '{{', '}}',
  '{{ x | nope }}', '{{x | default}}', '{{ user.first_name | default: "you" | upper }}', 'Hi {{choice}}', '^[a-z]+$', '(a*)*b', '[',
  '\u00e9\u00e8', '\ud83d\ude00',
];
const VALUES: Json[] = [
  ...STRINGS,
  0, -1, 1, 2, 1.5, 65, 1e21, true, false, null, [], {}, [1], ['s0'],
  { text: 'x' }, { text: 'A', value: 'a' }, [{ text: 'A', value: 'a' }, { text: 'A', value: 'a' }], [{ text: '', value: '' }],
  { type: 'conditional', conditions: [] }, { type: 'conditional', conditions: [{ if: 'x == 1', then: 's0' }] }, { type: 'other' },
  { type: 'text', variable: 'x' }, { type: 'button', variable: 'x' }, { min: 5, max: 1 }, { min_length: -1 }, { pattern: '(a+)+$' },
];
const KEYS = [
  'next_step', 'on_fail', 'max_attempts', 'validation', 'pattern', 'else', 'set', 'buttons', 'message', 'expected_input',
  'type', 'variable', 'commands', 'start_step', 'steps', 'name', 'version', 'text', 'value', 'if', 'then', 'min', 'max',
  'error_message', 'sensitive', 'description', 'nxt_step', '/help', '/start', 's0', 'user', 'x',
];

interface Edit {
  readonly kind: 'replace' | 'delete' | 'add';
  readonly path: number;
  readonly value: number;
  readonly key: number;
}

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('replace' as const, 'replace' as const, 'delete' as const, 'add' as const),
  path: fc.nat({ max: 10_000 }),
  value: fc.nat({ max: 10_000 }),
  key: fc.nat({ max: 10_000 }),
});

/** Every container in a document, with its keys (object) or indices (array). */
function containers(node: Json, out: (Json[] | { [k: string]: Json })[] = []): (Json[] | { [k: string]: Json })[] {
  if (node !== null && typeof node === 'object') {
    out.push(node);
    for (const child of Object.values(node)) containers(child, out);
  }
  return out;
}

function applyStructural(doc: Json, e: Edit): Json {
  const all = containers(doc);
  const target = all[e.path % all.length]!;
  const value = structuredClone(VALUES[e.value % VALUES.length]!);
  if (Array.isArray(target)) {
    const i = target.length === 0 ? 0 : e.key % target.length;
    if (e.kind === 'replace' && target.length > 0) target[i] = value;
    else if (e.kind === 'delete') target.splice(i, 1);
    else target.splice(i, 0, value);
    return doc;
  }
  const keys = Object.keys(target);
  if (e.kind === 'add' || keys.length === 0) target[KEYS[e.key % KEYS.length]!] = value;
  else if (e.kind === 'replace') target[keys[e.key % keys.length]!] = value;
  else delete target[keys[e.key % keys.length]!];
  return doc;
}

/** A valid scenario document with 1-4 structural edits, as JSON text. */
export const structuralMutationArb: fc.Arbitrary<string> = fc
  .tuple(scenarioDocArb, fc.array(editArb, { minLength: 1, maxLength: 4 }))
  .map(([doc, edits]) => JSON.stringify(edits.reduce(applyStructural, structuredClone(doc) as unknown as Json), null, 2));
