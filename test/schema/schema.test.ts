import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schemaPath = `${root}schema/scenario.schema.json`;
const examplesDir = `${root}examples/`;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

const schema = readJson(schemaPath) as Record<string, unknown>;

/** Editor-only annotation keywords (VS Code) used by the schema; strict mode needs them declared. */
const EDITOR_KEYWORDS = ['markdownDescription', 'patternErrorMessage', 'enumDescriptions', 'markdownEnumDescriptions'];

function makeAjv(): Ajv2020 {
  return new Ajv2020({ strict: true, allErrors: true, keywords: EDITOR_KEYWORDS });
}

const validate: ValidateFunction = makeAjv().compile(schema);

function errorsOf(doc: unknown): ErrorObject[] {
  return validate(doc) ? [] : [...(validate.errors ?? [])];
}

const exampleFiles = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.test.json'))
  .sort();

describe('scenario.schema.json', () => {
  it('is a valid draft 2020-12 schema with $id and title, and compiles in strict mode', () => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(typeof schema['$id']).toBe('string');
    expect(typeof schema['title']).toBe('string');
    const ajv = makeAjv();
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => makeAjv().compile(schema)).not.toThrow();
  });

  it('documents every property with description and markdownDescription', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        node.forEach((n, i) => walk(n, `${path}/${i}`));
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const obj = node as Record<string, unknown>;
      for (const [key, value] of Object.entries(obj)) {
        // Data, and the if/then/not of conditional rules, are not documentation nodes.
        if (['examples', 'default', 'const', 'enum', 'if', 'then', 'not'].includes(key)) continue;
        if (key === 'properties' && value !== null && typeof value === 'object') {
          for (const [prop, sub] of Object.entries(value as Record<string, unknown>)) {
            const s = sub as Record<string, unknown>;
            if (typeof s['description'] !== 'string') missing.push(`${path}/properties/${prop}: description`);
            if (typeof s['markdownDescription'] !== 'string') missing.push(`${path}/properties/${prop}: markdownDescription`);
          }
        }
        walk(value, `${path}/${key}`);
      }
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
  });
});

describe('examples validate against the schema', () => {
  it('finds the example scenarios', () => {
    expect(exampleFiles).toEqual(
      expect.arrayContaining(['spec-example.json', 'signup-validation.json', 'loan-conditions.json', 'menu-loop.json']),
    );
  });

  it.each(exampleFiles)('%s', (file) => {
    const doc = readJson(`${examplesDir}${file}`) as Record<string, unknown>;
    expect(errorsOf(doc)).toEqual([]);
    expect(doc['$schema']).toBe('../schema/scenario.schema.json');
  });

  it('accepts the verbatim spec example (its undefined step references are a compiler error, not a schema one)', () => {
    expect(errorsOf(readJson(`${root}test/fixtures/spec-example-verbatim.json`))).toEqual([]);
  });
});

describe('examples are self-consistent', () => {
  interface Step {
    expected_input?: { on_fail?: string };
    next_step?: string | { conditions: { then: string }[]; else?: string };
  }
  interface Scenario {
    start_step: string;
    commands?: Record<string, string>;
    steps: Record<string, Step>;
  }

  it.each(exampleFiles)('%s references only defined steps and has a conversation test file', (file) => {
    const sc = readJson(`${examplesDir}${file}`) as Scenario;
    const refs: string[] = [sc.start_step, ...Object.values(sc.commands ?? {})];
    for (const step of Object.values(sc.steps)) {
      if (step.expected_input?.on_fail !== undefined) refs.push(step.expected_input.on_fail);
      const next = step.next_step;
      if (typeof next === 'string') refs.push(next);
      else if (next !== undefined) {
        refs.push(...next.conditions.map((c) => c.then));
        if (next.else !== undefined) refs.push(next.else);
      }
    }
    expect(refs.filter((r) => !(r in sc.steps))).toEqual([]);

    const tests = [readJson(`${examplesDir}${file.replace(/\.json$/, '.test.json')}`)].flat() as {
      name?: unknown;
      turns?: unknown;
    }[];
    expect(tests.length).toBeGreaterThanOrEqual(3);
    for (const t of tests) {
      expect(typeof t.name).toBe('string');
      expect(Array.isArray(t.turns)).toBe(true);
    }
  });
});

describe('invalid scenarios are rejected', () => {
  type Doc = Record<string, any>;

  const base = (): Doc => ({
    name: 'Test',
    version: '1.0',
    start_step: 'ask',
    steps: {
      ask: {
        message: { text: 'Pick one' },
        buttons: [{ text: 'Yes', value: 'yes' }],
        expected_input: { type: 'button', variable: 'choice' },
        next_step: 'done',
      },
      done: { message: { text: 'Bye' } },
    },
  });

  it('the base document is valid', () => {
    expect(errorsOf(base())).toEqual([]);
  });

  it('a document with timers is valid', () => {
    const d = base();
    d.expire_after = '7d';
    d.on_expire = 'done';
    d.steps.ask.timeout = { after: '10m', next: 'done' };
    d.steps.ask.reminders = [{ after: '1m', message: 'Still there?' }];
    d.steps.pause = { message: { text: 'One moment.' }, wait: '90s', next_step: 'done' };
    expect(errorsOf(d)).toEqual([]);
  });

  it('a document with a call step is valid', () => {
    const d = base();
    d.steps.lookup = {
      message: { text: 'Looking...' },
      call: {
        method: 'PUT',
        url: 'https://crm.example/orders/{{name}}',
        headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' },
        body: { id: '{{name}}', n: 2, tags: [null, true] },
        timeout: '10s',
        retries: 2,
        save: { order_status: 'body.items.0.status', code: 'status' },
        on_error: 'done',
      },
      next_step: 'done',
    };
    expect(errorsOf(d)).toEqual([]);
  });

  it('a document with media and media inputs is valid', () => {
    const d = base();
    d.steps.photo = {
      message: { text: 'Receipt?' },
      expected_input: { type: ['photo', 'document'], variable: 'receipt', validation: { max_bytes: '5MB', mime: ['image/*', 'application/pdf'], max_count: 3 } },
      next_step: 'place',
    };
    d.steps.place = { message: { text: 'Where?' }, expected_input: { type: 'location', variable: 'place', validation: {} }, next_step: 'show' };
    d.steps.show = {
      message: { text: 'Here' },
      media: [
        { image: '{{receipt}}', caption: 'Size {{receipt.size}}' },
        { document: 'files/terms.pdf' },
        { video: 'https://example.com/{{id}}.mp4' },
        { location: { latitude: 52.5, longitude: 13.4, title: 'Shop' } },
        { location: '{{place}}' },
        { contact: { phone: '+1 555 0100', first_name: 'Ann' } },
      ],
    };
    d.steps.one = { message: { text: 'x' }, media: { audio: 'a.mp3' } };
    expect(errorsOf(d)).toEqual([]);
  });

  interface Case {
    reason: string;
    mutate: (d: Doc) => void;
    instancePath: string;
    keyword: string;
    params?: Record<string, unknown>;
    propertyName?: string;
  }

  const cases: Case[] = [
    {
      reason: 'missing name',
      mutate: (d) => delete d.name,
      instancePath: '',
      keyword: 'required',
      params: { missingProperty: 'name' },
    },
    { reason: 'empty name', mutate: (d) => (d.name = ''), instancePath: '/name', keyword: 'minLength' },
    {
      reason: 'unknown top-level property',
      mutate: (d) => (d.stpes = {}),
      instancePath: '',
      keyword: 'additionalProperties',
      params: { additionalProperty: 'stpes' },
    },
    { reason: 'no steps', mutate: (d) => (d.steps = {}), instancePath: '/steps', keyword: 'minProperties' },
    {
      reason: 'step id starting with a digit',
      mutate: (d) => (d.steps['1st'] = { message: { text: 'x' } }),
      instancePath: '/steps',
      keyword: 'propertyNames',
      propertyName: '1st',
    },
    {
      reason: 'step id longer than 64 characters',
      mutate: (d) => (d.steps['s'.repeat(65)] = { message: { text: 'x' } }),
      instancePath: '/steps',
      keyword: 'pattern',
      propertyName: 's'.repeat(65),
    },
    {
      reason: 'start_step that is not a step id',
      mutate: (d) => (d.start_step = 'no spaces allowed'),
      instancePath: '/start_step',
      keyword: 'pattern',
    },
    {
      reason: '/start redefined as a command',
      mutate: (d) => (d.commands = { '/start': 'ask' }),
      instancePath: '/commands',
      keyword: 'not',
      propertyName: '/start',
    },
    {
      reason: 'command with upper-case letters',
      mutate: (d) => (d.commands = { '/Help': 'ask' }),
      instancePath: '/commands',
      keyword: 'pattern',
      propertyName: '/Help',
    },
    {
      reason: 'unknown step property (text outside message)',
      mutate: (d) => (d.steps.done.text = 'Bye'),
      instancePath: '/steps/done',
      keyword: 'additionalProperties',
      params: { additionalProperty: 'text' },
    },
    {
      reason: 'unknown step type',
      mutate: (d) => (d.steps.done.type = 'question'),
      instancePath: '/steps/done/type',
      keyword: 'enum',
    },
    {
      reason: 'message without text',
      mutate: (d) => (d.steps.done.message = {}),
      instancePath: '/steps/done/message',
      keyword: 'required',
      params: { missingProperty: 'text' },
    },
    {
      reason: 'unknown input type',
      mutate: (d) => (d.steps.ask.expected_input.type = 'string'),
      instancePath: '/steps/ask/expected_input/type',
      keyword: 'enum',
    },
    {
      reason: 'input stored into the built-in "user" variable',
      mutate: (d) => (d.steps.ask.expected_input.variable = 'user'),
      instancePath: '/steps/ask/expected_input/variable',
      keyword: 'not',
    },
    {
      reason: 'variable name that is not an identifier',
      mutate: (d) => (d.steps.ask.expected_input.variable = 'my-choice'),
      instancePath: '/steps/ask/expected_input/variable',
      keyword: 'pattern',
    },
    {
      reason: 'max_attempts below 1',
      mutate: (d) => Object.assign(d.steps.ask.expected_input, { max_attempts: 0, on_fail: 'done' }),
      instancePath: '/steps/ask/expected_input/max_attempts',
      keyword: 'minimum',
    },
    {
      reason: 'negative min_length',
      mutate: (d) => (d.steps.ask.expected_input.validation = { min_length: -1 }),
      instancePath: '/steps/ask/expected_input/validation/min_length',
      keyword: 'minimum',
    },
    {
      reason: 'unknown validation rule',
      mutate: (d) => (d.steps.ask.expected_input.validation = { minimum: 3 }),
      instancePath: '/steps/ask/expected_input/validation',
      keyword: 'additionalProperties',
      params: { additionalProperty: 'minimum' },
    },
    {
      reason: 'button input on a step without buttons',
      mutate: (d) => delete d.steps.ask.buttons,
      instancePath: '/steps/ask',
      keyword: 'required',
      params: { missingProperty: 'buttons' },
    },
    { reason: 'empty buttons list', mutate: (d) => (d.steps.ask.buttons = []), instancePath: '/steps/ask/buttons', keyword: 'minItems' },
    {
      reason: 'button value longer than 64 characters',
      mutate: (d) => (d.steps.ask.buttons[0].value = 'v'.repeat(65)),
      instancePath: '/steps/ask/buttons/0/value',
      keyword: 'maxLength',
    },
    {
      reason: 'button without text',
      mutate: (d) => (d.steps.ask.buttons[0] = { value: 'yes' }),
      instancePath: '/steps/ask/buttons/0',
      keyword: 'required',
      params: { missingProperty: 'text' },
    },
    {
      reason: 'conditional next_step without conditions',
      mutate: (d) => (d.steps.ask.next_step = { type: 'conditional', conditions: [] }),
      instancePath: '/steps/ask/next_step/conditions',
      keyword: 'minItems',
    },
    {
      reason: 'condition without "then"',
      mutate: (d) => (d.steps.ask.next_step = { type: 'conditional', conditions: [{ if: 'choice == "yes"' }] }),
      instancePath: '/steps/ask/next_step/conditions/0',
      keyword: 'required',
      params: { missingProperty: 'then' },
    },
    {
      reason: 'set assigning the built-in "user"',
      mutate: (d) => (d.steps.done.set = { user: '1' }),
      instancePath: '/steps/done/set',
      keyword: 'not',
      propertyName: 'user',
    },
    {
      reason: 'set value that is not an expression string',
      mutate: (d) => (d.steps.done.set = { visits: 0 }),
      instancePath: '/steps/done/set/visits',
      keyword: 'type',
    },
    {
      reason: 'a duration without a unit',
      mutate: (d) => (d.steps.ask.timeout = { after: '10', next: 'done' }),
      instancePath: '/steps/ask/timeout/after',
      keyword: 'pattern',
    },
    {
      reason: 'a timeout on a step without input',
      mutate: (d) => (d.steps.done.timeout = { after: '1m', next: 'ask' }),
      instancePath: '/steps/done',
      keyword: 'dependentRequired',
    },
    {
      reason: 'a call with retries on POST',
      mutate: (d) => (d.steps.done.call = { method: 'POST', url: 'https://x.example/', retries: 1 }),
      instancePath: '/steps/done/call/retries',
      keyword: 'const',
    },
    {
      reason: 'a call on a step with expected_input',
      mutate: (d) => (d.steps.ask.call = { url: 'https://x.example/' }),
      instancePath: '/steps/ask',
      keyword: 'not',
    },
    {
      reason: 'a call URL that is not http(s)',
      mutate: (d) => (d.steps.done.call = { url: 'ftp://x.example/' }),
      instancePath: '/steps/done/call/url',
      keyword: 'pattern',
    },
    {
      reason: 'a malformed save path',
      mutate: (d) => (d.steps.done.call = { url: 'https://x.example/', save: { v: 'headers.x' } }),
      instancePath: '/steps/done/call/save/v',
      keyword: 'pattern',
    },
    {
      reason: 'a reminder without a message',
      mutate: (d) => (d.steps.ask.reminders = [{ after: '1h' }]),
      instancePath: '/steps/ask/reminders/0',
      keyword: 'required',
      params: { missingProperty: 'message' },
    },
    {
      reason: 'a media item with two kinds',
      mutate: (d) => (d.steps.done.media = { image: 'a.png', video: 'b.mp4' }),
      instancePath: '/steps/done/media',
      keyword: 'anyOf',
    },
    {
      reason: 'a location out of range',
      mutate: (d) => (d.steps.done.media = [{ location: { latitude: 91, longitude: 0 } }]),
      instancePath: '/steps/done/media/0/location/latitude',
      keyword: 'maximum',
    },
    {
      reason: 'a caption on a location card',
      mutate: (d) => (d.steps.done.media = [{ location: '{{p}}', caption: 'x' }]),
      instancePath: '/steps/done/media/0',
      keyword: 'additionalProperties',
    },
    {
      reason: 'a text type in a list of media kinds',
      mutate: (d) => (d.steps.ask.expected_input.type = ['photo', 'text']),
      instancePath: '/steps/ask/expected_input/type/1',
      keyword: 'enum',
    },
    {
      reason: 'a size without a unit it knows',
      mutate: (d) => (d.steps.ask.expected_input.validation = { max_bytes: '5 parsecs' }),
      instancePath: '/steps/ask/expected_input/validation/max_bytes',
      keyword: 'pattern',
    },
    {
      reason: 'a max_count of zero',
      mutate: (d) => (d.steps.ask.expected_input.validation = { max_count: 0 }),
      instancePath: '/steps/ask/expected_input/validation/max_count',
      keyword: 'minimum',
    },
  ];

  it.each(cases)('$reason', ({ mutate, instancePath, keyword, params, propertyName }) => {
    const doc = base();
    mutate(doc);
    const errors = errorsOf(doc);
    expect(errors.length).toBeGreaterThan(0);
    const match = errors.find(
      (e) =>
        e.instancePath === instancePath &&
        e.keyword === keyword &&
        (propertyName === undefined || (e.propertyName ?? e.params['propertyName']) === propertyName),
    );
    expect(match, `no ${keyword} error at "${instancePath}" in ${JSON.stringify(errors, null, 2)}`).toBeDefined();
    if (params !== undefined) expect(match?.params).toMatchObject(params);
  });
});
