/**
 * fast-check generators for the .scn text language (test/properties/scn-roundtrip.test.ts):
 *
 * - `wideDocArb`: scenario documents in the JSON format that use every feature the DSL can print: descriptions,
 *   step `type`, `set` with string / number / keyword expressions (quotes, escapes, `#` and `go` inside literals,
 *   line breaks, a backslash before a line break), buttons whose values need quoting, every input type and some
 *   unknown ones, every validation field, patterns with backslashes, error messages, attempts, on fail, sensitive
 *   (true, and the default false), goto / conditional / else, commands, step ids and variables that are DSL
 *   keywords (`step`, `say`, `go`, `set`, `when`...) or no names at all (`1abc`, `42`, `a b`, `""`, unicode, line
 *   breaks), unicode and escapes in every string, numbers such as -3.5, 1e3 and 1e21. Keys keep the order they were
 *   generated in, "42" after "a" included (`jsonText`). They read without errors (the checker may still object).
 * - `wrongScenarioArb`: generated scenarios with values replaced by wrong ones of the same JSON type (unknown
 *   steps, bad ids, bad expressions and templates...): they read fine and the checker mostly rejects them.
 * - `printedScnArb`: canonical .scn text, printed from `scenarioDocArb` (test/support/scenario-arbitrary.ts) and
 *   from `wideDocArb`.
 * - `layoutArb` / `relayoutArb`: a .scn text with the same meaning in another layout: indentation (tabs and unicode
 *   spaces included), blank lines, trailing spaces, CRLF and lone CR line ends, statements reordered where their
 *   order means nothing, and `# comments` on their own lines and at line ends.
 * - `scnNoiseArb`, `mutatedScnArb`: DSL-flavoured noise, and valid .scn text with line and character edits.
 */
import fc from 'fast-check';
import { convertScenario, printScn, readScenario } from '../../compiler/index.js';
import { scenarioDocArb, scenarioText } from './scenario-arbitrary.js';

// ---------------------------------------------------------------------------------------------------------------
// Names, strings, numbers, expressions

/** Every keyword of the DSL: reserved at the start of a statement only, so any of them is a fine name elsewhere. */
export const DSL_KEYWORDS = [
  'scenario', 'version', 'description', 'start', 'command', 'step', 'type', 'set', 'say', 'button', 'ask', 'min', 'max',
  'min_length', 'max_length', 'pattern', 'error', 'attempts', 'on', 'fail', 'sensitive', 'go', 'when', 'else',
  'wait', 'timeout', 'remind', 'after', 'expire', 'call', 'header', 'body', 'retries', 'save',
  'image', 'video', 'audio', 'document', 'caption', 'location', 'title', 'address', 'contact', 'max_bytes', 'mime',
  'min_count', 'max_count',
] as const;

/** Names the DSL can only write quoted. */
const ODD_NAMES = [
  '', '1abc', '42', 'a b', 'caf\u00e9', '\u00e9', 'x#y', '# no comment', 'say "hi"', '-x', 'go s1', 'a\\b', 'tab\there', 'new\nline',
  'cr\rlf', 'u\u2028v', 'lone\ud800', '\ud83d\ude00', '/help', 'set x', 'when x', '  ', '"', '=', '->', 'a=b', 'x.y', 'Step ',
];

const plainNameArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,7}$/);

/** Step ids, variables, targets: plain words, keywords of the DSL, and strings that need quotes. */
export const nameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: plainNameArb },
  { weight: 3, arbitrary: fc.constantFrom(...DSL_KEYWORDS) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_NAMES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);

const ODD_TEXTS = [
  'Hello {{name}}!', 'a "quoted" word', 'back\\slash \\n', 'tab\tand\nnewline\r\nend', '# not a comment', 'say "x" go s1',
  'caf\u00e9 \ud83d\ude00 \u4e2d\u6587', '\u0000\u0008\u001f\u007f', 'line\u2028sep\u2029', 'lone \ud800 \udfff', '', '  padded  ',
  '{{ user.first_name | default: "friend" | upper }}', '\\u00e9', '/', '"', '\\',
];

/** Texts (messages, descriptions, labels, names and versions): any unicode, control characters, escapes. */
export const textArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_TEXTS) },
);

const PATTERNS = ['^[a-z]+$', '\\d+', '^\\w+@\\w+\\.\\w+$', '\\\\', '"quoted"', '(a|b)*#', '[#"]', '\\u00e9', '^\\s*$', '\t', ''];
const patternArb = fc.oneof(fc.constantFrom(...PATTERNS), fc.string({ maxLength: 8 }));

/** Any finite number, with the spellings that matter (-3.5, 1e3, 1e21, tiny, negative exponent). */
const numberArb = fc.oneof(
  fc.constantFrom(-3.5, 1e3, 0, 1e21, 5e-324, 0.1, -1e-7, 123456789.125, -2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -100, max: 100 }),
);
const wholeArb = fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constantFrom(0, 1e21, 2 ** 53));

/**
 * Expressions as written (the reader does not parse them): literals with quotes, escapes, `#` and `go` inside,
 * keyword variables, line breaks in and out of literals, surrounding spaces. Never a `#` outside quotes nor an
 * unbalanced quote: the DSL ends an expression there, so such text cannot stand on a `set` or `when` line.
 */
const EXPRESSIONS = [
  '"hello"', '"caf\\u00e9"', '"caf\u00e9"', '"a\\"b"', "'single'", "'it\\'s'", "'say \"hi\"'", '-3.5', '1e3', '0', 'count + 1',
  '"#" + count', "'#'", 'step == "a"', 'go == 1', 'x == "go s1"', 'when', 'set', 'true', 'null', '"line\\nbreak"', '  spaced  ',
  'a +\n b', '"multi\nline"', '"cr\rin"', "x in ['a', \"b\"]", 'n is set', 'not (a and b) or c', 'x go y', 'x go', 'go', 'go go',
  '"tab\there"', '\u00a0x\u00a0', 'x\\y', '"\\\\"', 'a == "b" go "c"', '"a\\\nb"', "'a\\\r\nb'", '"\\\\\nc"',
];

const exprTokenArb: fc.Arbitrary<string> = fc.oneof(
  plainNameArb,
  fc.constantFrom(...DSL_KEYWORDS),
  fc.constantFrom('-3.5', '1e3', '42', '0.5', '==', '!=', '<', '>=', '+', '-', '*', '/', 'and', 'or', 'not', 'in', 'is', '(', ')', '[', ']', ',', '.'),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.string({ maxLength: 6 }).map((s) => `'${s.replace(/['\\\r\n]/g, '')}'`),
);

export const exprArb: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 1, arbitrary: fc.constantFrom(...EXPRESSIONS) },
    { weight: 2, arbitrary: fc.array(exprTokenArb, { minLength: 1, maxLength: 6 }).map((t) => t.join(' ')) },
  )
  .filter((e) => e.trim().length > 0);

const COMMANDS = ['/help', '/start', '/a-b', '/', '/\u00e9', '/x=y', '/->', '/a.b', 'help', '/with space', '/x#y', '/"q"', '', '/tab\t', '/new\nline'];
const commandArb = fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 5 }).map((s) => `/${s}`));

const INPUT_TYPES = ['text', 'number', 'integer', 'email', 'phone', 'date', 'button'] as const;
const MEDIA_KINDS = ['photo', 'document', 'video', 'audio', 'voice', 'location', 'contact'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Documents

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * JS objects put keys such as "42" first, whatever the order they were made in, and so would JSON.stringify. Keys are
 * marked while the document is an object, and the marks taken out of its text, so such keys stay where they were put.
 */
const INDEX_MARK = '\u0001idx:';
const markIndex = (key: string): string => (/^(?:0|[1-9]\d*)$/.test(key) ? INDEX_MARK + key : key);
export const jsonText = (doc: unknown): string => JSON.stringify(doc, null, 2).replaceAll(JSON.stringify(INDEX_MARK).slice(1, -1), '');

/** Leaves out the fields that are undefined, so optional fields are really absent. */
const compact = (o: Record<string, Json | undefined>): { [key: string]: Json } =>
  Object.fromEntries(Object.entries(o).filter((e): e is [string, Json] => e[1] !== undefined));

/** A value, or undefined: `value` to `nil` is how often each comes. */
const maybe = <T>(arb: fc.Arbitrary<T>, value = 1, nil = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: nil, arbitrary: fc.constant(undefined) }, { weight: value, arbitrary: arb });

/** A target: one of the steps most of the time, sometimes any name. */
const targetArb = (ids: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: nameArb });

const validationArb: fc.Arbitrary<Json> = fc
  .record(
    {
      min: numberArb,
      max: numberArb,
      min_length: wholeArb,
      max_length: wholeArb,
      pattern: patternArb,
      max_bytes: fc.oneof(wholeArb, numberArb, fc.constantFrom('5MB', '500KB', '1.5GB', '10b', '5 MB', '1e5', '5e', ''), textArb),
      // An empty list is as good as none (the DSL writes nothing for it).
      mime: fc.array(fc.oneof(fc.constantFrom('image/*', 'application/pdf', 'text'), textArb), { minLength: 1, maxLength: 3 }),
      min_count: wholeArb,
      max_count: wholeArb,
    },
    { requiredKeys: [] },
  )
  .map((v) => v as Json);

const inputArb = (ids: readonly string[]): fc.Arbitrary<Json> =>
  fc
    .record({
      type: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...INPUT_TYPES) },
        { weight: 2, arbitrary: fc.constantFrom(...MEDIA_KINDS) },
        // A list of one reads back as the kind alone: the DSL writes lists of two or more.
        { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...MEDIA_KINDS), nameArb), { minLength: 2, maxLength: 3 }) },
        { weight: 1, arbitrary: nameArb },
      ),
      variable: nameArb,
      validation: maybe(validationArb),
      error_message: maybe(textArb),
      max_attempts: maybe(wholeArb),
      on_fail: maybe(targetArb(ids)),
      // `false` is the default: the DSL has no way to say it, and needs none.
      sensitive: maybe(fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })),
    })
    .map(compact);

/** Media items as the DSL can write them: files by any source text, cards fixed or by text. */
const mediaItemArb: fc.Arbitrary<Json> = fc.oneof(
  fc
    .record({ kind: fc.constantFrom('image', 'video', 'audio', 'document'), source: textArb, caption: maybe(textArb) })
    .map(({ kind, source, caption }) => compact({ [kind]: source, caption })),
  fc.record({ location: textArb }),
  fc.record({ location: fc.record({ latitude: numberArb, longitude: numberArb, title: maybe(textArb), address: maybe(textArb) }).map(compact) }),
  fc.record({ contact: textArb }),
  fc.record({ contact: fc.record({ phone: textArb, first_name: textArb, last_name: maybe(textArb) }).map(compact) }),
);

const nextArb = (ids: readonly string[]): fc.Arbitrary<Json> =>
  fc.oneof(
    targetArb(ids),
    fc
      .record({
        type: fc.constant('conditional'),
        conditions: fc.array(fc.record({ if: exprArb, then: targetArb(ids) }), { minLength: 1, maxLength: 3 }),
        else: maybe(targetArb(ids)),
      })
      .map(compact),
  );

/** The entries of an object with unique keys, in the order given (see `jsonText`). */
const entries = <T>(key: fc.Arbitrary<string>, value: fc.Arbitrary<T>, maxLength: number) =>
  fc.uniqueArray(fc.tuple(key, value), { maxLength, selector: (e) => e[0] }).map((e) => Object.fromEntries(e.map(([k, v]) => [markIndex(k), v])));

/** Durations as written: good ones, and ones that read fine but the checker rejects (quoted when printed). */
const durationArb = fc.oneof(fc.constantFrom('90s', '10m', '1h', '24h', '7d', '365d', '0s', '10x', '10', '1 h', '1.5h', ''), textArb);

/** Timers of an input step (`timeout`, `reminders`) or of a step without one (`wait`): what the DSL can write. */
const timersArb = (ids: readonly string[], input: boolean): fc.Arbitrary<Record<string, Json>> =>
  input
    ? fc
        .record({
          timeout: maybe(fc.record({ after: durationArb, next: targetArb(ids) })),
          reminders: maybe(fc.array(fc.record({ after: durationArb, message: textArb }), { minLength: 1, maxLength: 3 })),
        })
        .map(compact)
    : fc.record({ wait: maybe(durationArb) }).map(compact);

/** A call as the DSL can write it: a method that is one word, any other value (the checker judges them). */
const callArb = (ids: readonly string[]): fc.Arbitrary<Json> =>
  fc
    .record({
      method: maybe(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'get', 'FETCH', 'save')),
      url: textArb,
      // An empty object is as good as none (the DSL writes nothing for it).
      headers: maybe(entries(nameArb, textArb, 2).filter((o) => Object.keys(o).length > 0)),
      // Through JSON text, so the body is what a JSON file can hold (no -0).
      body: maybe(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as Json)),
      timeout: maybe(durationArb),
      retries: maybe(fc.integer({ min: 0, max: 7 })),
      save: maybe(entries(nameArb, fc.oneof(fc.constantFrom('status', 'body', 'body.a.0', 'body.x y'), nameArb), 2).filter((o) => Object.keys(o).length > 0)),
      on_error: maybe(targetArb(ids)),
    })
    .map(compact);

const stepArb = (ids: readonly string[]): fc.Arbitrary<Json> =>
  fc
    .record({
      type: maybe(fc.oneof(fc.constantFrom('message', 'input', 'conditional'), nameArb), 1, 3),
      description: maybe(textArb, 1, 2),
      set: maybe(entries(nameArb, exprArb, 3)),
      message: maybe(textArb.map((text) => ({ text })), 3, 1),
      media: maybe(fc.oneof(mediaItemArb, fc.array(mediaItemArb, { minLength: 1, maxLength: 3 })), 1, 3),
      // An empty list is as good as none.
      buttons: maybe(fc.array(fc.record({ text: textArb, value: fc.oneof(nameArb, fc.constantFrom('1', '-3.5', 'a b', 'more_info')) }), { maxLength: 3 }), 1, 2),
      expected_input: maybe(inputArb(ids), 3, 2),
      next_step: maybe(nextArb(ids), 4, 1),
    })
    .map(compact)
    .chain((step) => timersArb(ids, (step as Record<string, Json>)['expected_input'] !== undefined).map((timers) => ({ ...(step as Record<string, Json>), ...timers })))
    .chain((step) =>
      (step['expected_input'] === undefined && step['wait'] === undefined ? maybe(callArb(ids), 1, 2) : fc.constant(undefined)).map((call) =>
        call === undefined ? step : { ...step, call },
      ),
    );

/** Scenario documents that use every feature of the DSL (see the file header); they read without errors. */
export const wideDocArb: fc.Arbitrary<Json> = fc
  .uniqueArray(nameArb, { minLength: 1, maxLength: 5 })
  .chain((ids) =>
    fc.record({
      name: textArb,
      version: fc.oneof(fc.constantFrom('1.0', '2', ''), textArb),
      description: maybe(textArb),
      start_step: maybe(targetArb(ids), 6, 1),
      commands: maybe(entries(commandArb, targetArb(ids), 3)),
      // `on_expire` alone has no .scn form.
      expire_after: maybe(durationArb),
      steps: fc.tuple(...ids.map((id) => stepArb(ids).map((s) => [markIndex(id), s] as const))).map((s) => Object.fromEntries(s)),
    }),
  )
  .chain((d) =>
    (d.expire_after === undefined ? fc.constant(undefined) : maybe(fc.constantFrom(...Object.keys(d.steps as object)))).map((onExpire) =>
      compact({ ...(d as Record<string, Json | undefined>), on_expire: onExpire }),
    ),
  );

export const wideDocText = (doc: Json): string => jsonText(doc);

/** The canonical .scn text of a JSON document, printed from its AST. */
export function printedScn(json: string): string {
  const read = readScenario(json, 'doc.json');
  if (!read.ast) throw new Error(`not a scenario: ${json}`);
  return printScn(read.ast);
}

/** Canonical .scn text of generated scenarios: the usual ones (converted) and the wide ones (printed). */
export const printedScnArb: fc.Arbitrary<string> = fc.oneof(
  scenarioDocArb.map((doc) => {
    const r = convertScenario(scenarioText(doc), 'doc.json', 'doc.scn');
    if (r.text === undefined) throw new Error(`conversion failed: ${r.failure ?? JSON.stringify(r.diagnostics)}`);
    return r.text;
  }),
  wideDocArb.map((doc) => printedScn(wideDocText(doc))),
);

// ---------------------------------------------------------------------------------------------------------------
// Scenarios the checker rejects

/** Strings that are read fine and mean something wrong somewhere: unknown steps, bad ids, expressions, templates... */
const WRONG_STRINGS = [
  '', 's99', 'S0', '1abc', 'a b', 'x'.repeat(70), 'count +', 'n > "a"', 'n - "x"', 't contains 3', 'user.nope', 'user.id > 3', 'x matches "("',
  '"unterminated', '{{', '}}', '{{ x | nope }}', '{{x | default}}', 'Hi {{choice}}', '(a*)*b', '[', 'email', 'date', 'phone', 'integer',
  'button', 'message', 'choice', 'count', 'nope', 'step', 'go', 'set', 'when', '/help', '/Bad', 'help', 'a in []', '1 / 0', 'not', '42', '0',
];
const WRONG_NUMBERS = [0, -1, 1, 2, 65, 1e21, -3.5];

interface LeafEdit {
  readonly slot: number;
  readonly value: number;
}

/** Replaces one string or number of a document by another of the same type, or renames a step, variable or command. */
function applyLeafEdit(doc: Json, e: LeafEdit): Json {
  const slots: (() => void)[] = [];
  const visit = (node: Json, key: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        if (typeof child === 'string') slots.push(() => (node[i] = WRONG_STRINGS[e.value % WRONG_STRINGS.length]!));
        else visit(child, key);
      });
      return;
    }
    for (const [k, child] of Object.entries(node)) {
      if (typeof child === 'string') slots.push(() => (node[k] = WRONG_STRINGS[e.value % WRONG_STRINGS.length]!));
      else if (typeof child === 'number') slots.push(() => (node[k] = WRONG_NUMBERS[e.value % WRONG_NUMBERS.length]!));
      if (key === 'steps' || key === 'set' || key === 'commands') {
        slots.push(() => {
          const renamed = markIndex(WRONG_STRINGS[e.value % WRONG_STRINGS.length]!);
          if (renamed in node) return;
          // Rename in place: the entries keep their order.
          const all = Object.entries(node).map(([k2, v]) => [k2 === k ? renamed : k2, v] as const);
          for (const k2 of Object.keys(node)) delete node[k2];
          for (const [k2, v] of all) node[k2] = v;
        });
      }
      visit(child, k);
    }
  };
  visit(doc, '');
  slots[e.slot % slots.length]?.();
  return doc;
}

/** A generated scenario with 1-3 values replaced by wrong ones of the right type: mostly read fine, often rejected by the checker. */
export const wrongScenarioArb: fc.Arbitrary<string> = fc
  .tuple(scenarioDocArb, fc.array(fc.record({ slot: fc.nat({ max: 10_000 }), value: fc.nat({ max: 10_000 }) }), { minLength: 1, maxLength: 3 }))
  .map(([doc, edits]) => jsonText(edits.reduce(applyLeafEdit, structuredClone(doc) as unknown as Json)));

// ---------------------------------------------------------------------------------------------------------------
// Layout

/** Statements whose relative order is meaning: assignments, conditions, buttons, commands, reminders, headers, saves, media. */
const ORDERED = new Set(['set', 'when', 'button', 'command', 'remind', 'header', 'save', 'media']);
const MEDIA_LINES = new Set(['image', 'video', 'audio', 'document', 'location', 'contact']);
/** A statement's first word; the media lines are one kind, since their order among each other is meaning. */
const firstWord = (line: string): string => {
  const word = /^\s*(\S*)/.exec(line)![1]!;
  return MEDIA_LINES.has(word) ? 'media' : word;
};

/** The statements of a canonical .scn text (one per line, no comments): the header, then each step. */
function blocks(canonical: string): { header: string[]; steps: string[][] } {
  const header: string[] = [];
  const steps: string[][] = [];
  for (const line of canonical.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('step ')) steps.push([line.trim()]);
    else (steps[steps.length - 1] ?? header).push(line.trim());
  }
  return { header, steps };
}

/**
 * Applies a permutation, then puts the statements of each ordered kind back in their order: the kinds keep the
 * places the shuffle gave them, the statements of one kind their sequence.
 */
function reorder(lines: readonly string[], permutation: readonly number[]): string[] {
  const shuffled = permutation.map((i) => lines[i]!);
  const queues = new Map<string, string[]>();
  for (const l of lines) if (ORDERED.has(firstWord(l))) queues.set(firstWord(l), [...(queues.get(firstWord(l)) ?? []), l]);
  return shuffled.map((l) => (ORDERED.has(firstWord(l)) ? queues.get(firstWord(l))!.shift()! : l));
}

const permutationArb = (n: number): fc.Arbitrary<number[]> =>
  fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });

/** Comment texts as the parser reports them: from `#` to the end of the line, trailing spaces removed. */
export const commentArb: fc.Arbitrary<string> = fc
  .string({
    maxLength: 12,
    unit: fc.oneof(
      fc.constantFrom('#', '"', "'", '\\', '=', '->', ' go s1', ' ', '\t', 'step', 'set x = 1', '\u00e9', '\ud83d\ude00', '\u2028'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    ),
  })
  .map((s) => `#${s.replace(/[\r\n]/g, ' ')}`.trimEnd());

const SPACE = ['', ' ', '  ', '    ', '\t', '\t\t', ' \t', '\u00a0', '\u3000 ', '\ufeff'];

interface LineLayout {
  readonly indent: string;
  readonly trailing: string;
  readonly blanksBefore: readonly string[];
  readonly commentBefore?: string;
  readonly commentIndent: string;
  readonly commentAfter?: string;
  readonly commentGap: string;
  readonly eol: string;
}

const lineLayoutArb: fc.Arbitrary<LineLayout> = fc.record({
  indent: fc.constantFrom(...SPACE),
  trailing: fc.constantFrom('', '', ' ', '\t', '  \t ', '\u00a0'),
  blanksBefore: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.constantFrom('', ' ', '\t  '), { maxLength: 2 }) }),
  commentBefore: maybe(commentArb, 1, 4),
  commentIndent: fc.constantFrom(...SPACE),
  commentAfter: maybe(commentArb, 1, 4),
  commentGap: fc.constantFrom(' ', '  ', '\t', ''),
  eol: fc.constantFrom('\n', '\n', '\n', '\r\n', '\r'),
});

export interface Relayout {
  /** The canonical text the layout started from. */
  readonly canonical: string;
  /** The same statements, reordered and laid out anew, with comments. */
  readonly text: string;
  /** The same layout without the comments. */
  readonly bare: string;
  /** The comments put in, in no particular order. */
  readonly comments: readonly string[];
}

/** Another layout of a canonical .scn text (see the file header); the meaning stays the same. */
export function layoutArb(canonical: string): fc.Arbitrary<Relayout> {
  const { header, steps } = blocks(canonical);
  const count = header.length + steps.reduce((n, s) => n + s.length, 0);
  return fc
    .record({
      header: permutationArb(header.length),
      steps: fc.tuple(...steps.map((s) => permutationArb(s.length - 1))),
      lines: fc.array(lineLayoutArb, { minLength: count, maxLength: count }),
      tail: fc.array(commentArb, { maxLength: 2 }),
      finalEol: fc.boolean(),
    })
    .map((plan) => {
      const statements = [...reorder(header, plan.header), ...steps.flatMap((s, i) => [s[0]!, ...reorder(s.slice(1), plan.steps[i]!)])];
      const comments: string[] = [];
      let text = '';
      let bare = '';
      statements.forEach((statement, i) => {
        const l = plan.lines[i]!;
        for (const b of l.blanksBefore) {
          text += b + l.eol;
          bare += b + l.eol;
        }
        if (l.commentBefore !== undefined) {
          text += l.commentIndent + l.commentBefore + l.eol;
          comments.push(l.commentBefore);
        }
        const line = l.indent + statement;
        if (l.commentAfter !== undefined) {
          text += line + l.commentGap + l.commentAfter;
          comments.push(l.commentAfter);
        } else text += line + l.trailing;
        bare += line + l.trailing;
        if (i < statements.length - 1 || plan.finalEol || plan.tail.length > 0) {
          text += l.eol;
          bare += l.eol;
        }
      });
      text += plan.tail.join('\n');
      comments.push(...plan.tail);
      return { canonical, text, bare, comments };
    });
}

/** Canonical text of a generated scenario, and another layout of it. */
export const relayoutArb: fc.Arbitrary<Relayout> = printedScnArb.chain(layoutArb);

// ---------------------------------------------------------------------------------------------------------------
// Fuzzing

/** Bits of the DSL and of what goes wrong in it. */
export const SCN_BITS = [
  ...DSL_KEYWORDS, ' ', '  ', '\t', '\n', '\n', '\r\n', '\r', '"', '"x"', '"a\\"b"', '"\\q"', '"\\u00"', '"\\', '#', '# c', '=', '->', '-', '>',
  '/help', '/', '/x"y', 'x', 's0', '1', '-3.5', '1e3', '1.', '01', '1e', '==', "'", '\\', '{{', '}}', '(', ')', '[', ']', ',', 'and',
  'is', 'on fail go', 'when x == 1 go', 'set x =', 'ask text ->', 'step s0\n', 'go s0', '\u00e9', '\ud800', '\u2028', '\ufeff', '\u0000',
  '\u00a0', 'scenario "S" version "1"\n', 'button "B" = ', 'set x = "a\\', 'when x == "\\', '\\\n', ' # c\n',
];

interface ScnEdit {
  readonly kind: 'delete-line' | 'duplicate-line' | 'swap-lines' | 'append-to-line' | 'open-quote' | 'insert' | 'delete' | 'replace';
  readonly at: number;
  readonly other: number;
  readonly length: number;
  readonly text: string;
}

const scnEditArb: fc.Arbitrary<ScnEdit> = fc.record({
  kind: fc.constantFrom(
    'delete-line' as const,
    'duplicate-line' as const,
    'swap-lines' as const,
    'append-to-line' as const,
    'open-quote' as const,
    'insert' as const,
    'insert' as const,
    'delete' as const,
    'replace' as const,
  ),
  at: fc.nat({ max: 100_000 }),
  other: fc.nat({ max: 100_000 }),
  length: fc.integer({ min: 1, max: 8 }),
  text: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SCN_BITS) }, { weight: 1, arbitrary: fc.string({ maxLength: 3 }) }),
});

/** Ends of `set` and `when` lines that leave a quote open, or a backslash before the line break. */
const OPEN_TAILS = ['"a\\', '"\\', "'\\", ' "#', " 'x", '\\', '"go s1'];

function applyScnEdit(text: string, e: ScnEdit): string {
  if (e.kind === 'open-quote') {
    const lines = text.split('\n');
    const expressions = lines.flatMap((l, i) => (/^\s*(?:set|when)\s/.test(l) ? [i] : []));
    const i = expressions[e.at % Math.max(1, expressions.length)] ?? e.at % lines.length;
    lines[i] += OPEN_TAILS[e.other % OPEN_TAILS.length]!;
    return lines.join('\n');
  }
  if (e.kind === 'delete-line' || e.kind === 'duplicate-line' || e.kind === 'swap-lines' || e.kind === 'append-to-line') {
    const lines = text.split('\n');
    const i = e.at % lines.length;
    const j = e.other % lines.length;
    if (e.kind === 'delete-line') lines.splice(i, 1);
    else if (e.kind === 'duplicate-line') lines.splice(i, 0, lines[i]!);
    else if (e.kind === 'append-to-line') lines[i] += e.text;
    else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join('\n');
  }
  const at = e.at % (text.length + 1);
  if (e.kind === 'insert') return text.slice(0, at) + e.text + text.slice(at);
  if (e.kind === 'delete') return text.slice(0, at) + text.slice(at + e.length);
  return text.slice(0, at) + e.text + text.slice(at + e.text.length);
}

/** Valid .scn text with 1-6 line or character edits. */
export const mutatedScnArb: fc.Arbitrary<string> = fc
  .tuple(printedScnArb, fc.array(scnEditArb, { minLength: 1, maxLength: 6 }))
  .map(([text, edits]) => edits.reduce(applyScnEdit, text));

const STATEMENT_STARTS = [...DSL_KEYWORDS, 'on fail go', 'ask text ->', 'set x =', 'when x == 1 go', 'command /help go', 'step s0', '#', ''];

/** A line that starts like a statement and goes on with bits of the DSL. */
const noiseLineArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '  ', '\t'),
    fc.constantFrom(...STATEMENT_STARTS),
    fc.array(fc.tuple(fc.constantFrom('', ' '), fc.constantFrom(...SCN_BITS)), { maxLength: 5 }),
    fc.constantFrom('\n', '\n', '\r\n', '\r'),
  )
  .map(([indent, start, rest, eol]) => indent + start + rest.map(([gap, bit]) => gap + bit).join('') + eol);

/** Text that is not .scn but looks like it, or nothing like it. */
export const scnNoiseArb: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(...SCN_BITS), maxLength: 60 }),
  fc.array(fc.array(fc.constantFrom(...SCN_BITS), { maxLength: 8 }).map((t) => t.join(' ')), { maxLength: 30 }).map((l) => l.join('\n')),
  { weight: 3, arbitrary: fc.array(noiseLineArb, { maxLength: 20 }).map((l) => l.join('')) },
);
