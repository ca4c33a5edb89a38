import { describe, expect, it } from 'vitest';
import { compileScenario, renderGraph } from '../../compiler/index.js';
import { at, check, codes, find, scenario } from '../support/scenario-text.js';

const say = (text: string, next?: unknown, extra: Record<string, unknown> = {}) => ({ message: { text }, ...(next === undefined ? {} : { next_step: next }), ...extra });
const ask = (input: Record<string, unknown>, next?: unknown, extra: Record<string, unknown> = {}) => say('Send it', next, { expected_input: input, ...extra });
const cond = (conditions: [string, string][], elseStep?: string) => ({
  type: 'conditional',
  conditions: conditions.map(([i, t]) => ({ if: i, then: t })),
  ...(elseStep ? { else: elseStep } : {}),
});
const compile = (text: string, options: { fileExists?: (p: string) => boolean } = {}) => compileScenario(text, { file: 'bot/test.json', ...options });

describe('media of a step (JSON)', () => {
  it('reads every kind of source and card into IrStep.media', () => {
    const text = scenario({
      a: ask({ type: 'photo', variable: 'receipt' }, 'b'),
      b: ask({ type: 'location', variable: 'place' }, 'c'),
      c: say('Here', undefined, {
        media: [
          { image: 'https://example.com/{{receipt.name}}.png', caption: 'Size {{receipt.size}}' },
          { document: 'files/terms.pdf' },
          { image: '{{receipt}}' },
          { location: { latitude: 52.5, longitude: 13.4, title: 'Office' } },
          { location: '{{place}}' },
          { contact: { phone: '+1 555 0100', first_name: 'Ann' } },
        ],
      }),
    });
    const result = compile(text);
    expect(result.diagnostics).toEqual([]);
    const media = result.ir!.steps['c']!.media!;
    expect(media.map((m) => [m.type, m.source.kind])).toEqual([
      ['image', 'url'],
      ['document', 'path'],
      ['image', 'var'],
      ['location', 'fixed'],
      ['location', 'var'],
      ['contact', 'fixed'],
    ]);
    expect(media[1]).toEqual({ type: 'document', source: { kind: 'path', path: 'files/terms.pdf' } });
    expect(media[2]).toEqual({ type: 'image', source: { kind: 'var', variable: 'receipt' } });
    expect(media[3]).toEqual({ type: 'location', source: { kind: 'fixed', value: { latitude: 52.5, longitude: 13.4, title: 'Office' } } });
    expect(media[0]!.type === 'image' && media[0]!.caption?.parts.length).toBe(2);
  });

  it('takes one object as well as a list', () => {
    const text = scenario({ a: say('Menu', undefined, { media: { image: 'menu.jpg' } }) });
    expect(compile(text).ir!.steps['a']!.media).toEqual([{ type: 'image', source: { kind: 'path', path: 'menu.jpg' } }]);
  });

  it('reports an item with no kind or two kinds (MEDIA_ITEM_KIND)', () => {
    const text = scenario({ a: say('x', undefined, { media: [{ caption: 'c' }, { image: 'a.png', video: 'b.mp4' }] }) });
    const ds = find(check(text), 'MEDIA_ITEM_KIND');
    expect(ds).toMatchObject([{ severity: 'error', line: at(text, '"caption"').line - 1 }, { severity: 'error', line: at(text, '"image"').line - 1 }]);
  });

  it.each([
    ['/etc/passwd'],
    ['../secret.png'],
    ['a/../../b.png'],
    ['.env'],
    ['config/.git/HEAD'],
    ['ftp://example.com/a.png'],
    ['files/{{name}}.png'],
    ['{{receipt.name}}'],
  ])('reports the source %s at its place (MEDIA_SOURCE)', (source) => {
    const text = scenario({ a: ask({ type: 'photo', variable: 'receipt' }, 'b'), b: say('x', undefined, { media: { image: source } }) });
    expect(find(check(text), 'MEDIA_SOURCE')).toMatchObject([{ severity: 'error', ...at(text, JSON.stringify(source)) }]);
  });

  it('reports a card written as text that is not a variable', () => {
    const text = scenario({ a: say('x', undefined, { media: [{ location: 'Berlin' }, { contact: '+1 555' }] }) });
    expect(codes(check(text))).toEqual(['MEDIA_SOURCE', 'MEDIA_SOURCE']);
  });

  it('reports coordinates out of range and missing card fields', () => {
    const text = scenario({ a: say('x', undefined, { media: [{ location: { latitude: 91, longitude: 0 } }, { contact: { phone: '1' } }] }) });
    const ds = check(text);
    expect(find(ds, 'WRONG_TYPE')).toMatchObject([{ ...at(text, '91') }]);
    expect(find(ds, 'MISSING_FIELD')).toHaveLength(1);
  });

  it('checks shipped files through the fileExists hook, at the path string (MEDIA_FILE_MISSING)', () => {
    const text = scenario({ a: say('x', undefined, { media: [{ image: 'menu.jpg' }, { document: 'gone.pdf' }] }) });
    const asked: string[] = [];
    const result = compile(text, { fileExists: (p) => (asked.push(p), p === 'menu.jpg') });
    expect(asked).toEqual(['menu.jpg', 'gone.pdf']);
    expect(result.diagnostics).toMatchObject([{ code: 'MEDIA_FILE_MISSING', severity: 'error', ...at(text, '"gone.pdf"') }]);
    expect(compile(text).diagnostics).toEqual([]);
  });

  it('reports a variable source of the wrong type at the name (MEDIA_VARIABLE_TYPE)', () => {
    const text = scenario({
      a: ask({ type: 'text', variable: 'name' }, 'b'),
      b: ask({ type: 'photo', variable: 'pic' }, 'c'),
      c: say('x', undefined, { media: [{ image: '{{name}}' }, { location: '{{pic}}' }, { image: '{{pic}}' }] }),
    });
    expect(find(check(text), 'MEDIA_VARIABLE_TYPE')).toMatchObject([
      { severity: 'error', ...at(text, 'name}}') },
      { severity: 'error', ...at(text, 'pic}}"', { nth: 1 }) },
    ]);
  });

  it('reports a secret in a media URL or caption (SECRET_OUTSIDE_HEADER)', () => {
    const text = scenario({ a: say('x', undefined, { media: { image: 'https://x.example/a.png?k={{secret.KEY}}', caption: '{{secret.KEY}}' } }) });
    expect(check(text)).toMatchObject([
      { code: 'SECRET_OUTSIDE_HEADER', ...at(text, 'secret.KEY') },
      { code: 'SECRET_OUTSIDE_HEADER', ...at(text, 'secret.KEY', { nth: 2 }) },
    ]);
  });

  it('reports a variable source that is never assigned', () => {
    const text = scenario({ a: say('x', undefined, { media: { image: '{{nothing}}' } }) });
    expect(codes(check(text))).toEqual(['UNDEFINED_VARIABLE']);
  });
});

describe('media inputs (JSON)', () => {
  it('builds IrInput.media with defaults', () => {
    const text = scenario({ a: ask({ type: 'photo', variable: 'receipt' }) });
    const input = compile(text).ir!.steps['a']!.input!;
    expect(input.type).toBe('media');
    expect(input.media).toEqual({ kinds: ['photo'], maxBytes: 20 * 1024 * 1024, minCount: 1, maxCount: 1 });
    expect(input.errorMessage.parts).toEqual([{ kind: 'text', text: 'Please send a photo.' }]);
    expect(compile(text).ir!.variables['receipt']!.type).toBe('file');
  });

  it('reads a list of kinds, sizes, mime and counts', () => {
    const text = scenario({
      a: ask({ type: ['photo', 'document'], variable: 'scans', validation: { max_bytes: '5MB', mime: ['image/*', 'application/pdf'], min_count: 1, max_count: 3 } }),
    });
    const ir = compile(text).ir!;
    expect(ir.steps['a']!.input!.media).toEqual({ kinds: ['photo', 'document'], maxBytes: 5 * 1024 * 1024, mime: ['image/*', 'application/pdf'], minCount: 1, maxCount: 3 });
    expect(ir.variables['scans']!.type).toBe('files');
  });

  it.each([
    ['location', 'location'],
    ['contact', 'contact'],
    [['photo', 'location'], 'unknown'],
  ])('gives a %j input the type %s', (type, expected) => {
    const text = scenario({ a: ask({ type, variable: 'v' }) });
    expect(compile(text).ir!.variables['v']!.type).toBe(expected);
  });

  it('reports text rules on a media input and file rules elsewhere (MEDIA_RULE_NOT_APPLICABLE)', () => {
    const text = scenario({
      a: ask({ type: 'photo', variable: 'p', validation: { min_length: 2 } }, 'b'),
      b: ask({ type: 'location', variable: 'l', validation: { max_bytes: 1000 } }, 'c'),
      c: ask({ type: 'text', variable: 't', validation: { mime: ['image/png'] } }),
    });
    expect(find(check(text), 'MEDIA_RULE_NOT_APPLICABLE')).toMatchObject([
      { severity: 'error', ...at(text, '2') },
      { severity: 'error', ...at(text, '1000') },
      { severity: 'error', ...at(text, '[\n', { nth: 1 }) },
    ]);
  });

  it('reports a bad size, a bad mime and bad counts', () => {
    const text = scenario({
      a: ask({ type: 'document', variable: 'd', validation: { max_bytes: '5 parsecs', mime: ['pdf'], min_count: 3, max_count: 2 } }),
    });
    const ds = check(text);
    expect(find(ds, 'MEDIA_SIZE')).toMatchObject([{ ...at(text, '"5 parsecs"') }]);
    expect(find(ds, 'MEDIA_MIME')).toMatchObject([{ ...at(text, '"pdf"') }]);
    expect(find(ds, 'VALIDATION_RANGE')).toMatchObject([{ ...at(text, '3') }]);
  });

  it('warns about a max_bytes over what Telegram downloads (MEDIA_SIZE_OVER_LIMIT)', () => {
    const text = scenario({ a: ask({ type: 'video', variable: 'v', validation: { max_bytes: '50MB' } }) });
    expect(check(text)).toMatchObject([{ code: 'MEDIA_SIZE_OVER_LIMIT', severity: 'warning', ...at(text, '"50MB"') }]);
    expect(compile(text).ir!.steps['a']!.input!.media!.maxBytes).toBe(50 * 1024 * 1024);
  });

  it('reports an unknown kind in a list at its place', () => {
    const text = scenario({ a: ask({ type: ['photo', 'text'], variable: 'x' }) });
    expect(find(check(text), 'INVALID_VALUE')).toMatchObject([{ ...at(text, '"text"\n') }]);
  });

  it('labels a media input in the graph by the kinds it takes', () => {
    const text = scenario({ a: ask({ type: ['photo', 'document'], variable: 'scan' }, 'b'), b: say('ok') });
    const graph = JSON.parse(renderGraph(compile(text).ir!, 'json')) as { nodes: { id: string; input?: string }[] };
    expect(graph.nodes.find((n) => n.id === 'a')!.input).toBe('scan: photo|document');
  });

  it('warns about buttons on a media input (MEDIA_INPUT_BUTTONS)', () => {
    const text = scenario({ a: ask({ type: 'photo', variable: 'p' }, undefined, { buttons: [{ text: 'Skip', value: 'skip' }] }) });
    expect(check(text)).toMatchObject([{ code: 'MEDIA_INPUT_BUTTONS', severity: 'warning', ...at(text, '[\n', { nth: 1 }) }]);
  });
});

describe('media values in conditions and templates', () => {
  const flow = (condition: string, template = 'ok') =>
    scenario({
      a: ask({ type: 'photo', variable: 'receipt' }, 'b'),
      b: ask({ type: 'location', variable: 'place' }, cond([[condition, 'c']], 'c')),
      c: say(template),
    });

  it('accepts fields of the right type', () => {
    expect(check(flow('receipt.size > 1000000 and place.latitude < 60 and receipt.mime == "image/png"', '{{receipt}} {{receipt.name}} {{place}}'))).toEqual([]);
  });

  it('reports comparing a location with a number at the operand (TYPE_MISMATCH)', () => {
    const text = flow('place > 3');
    expect(find(check(text), 'TYPE_MISMATCH')).toMatchObject([{ severity: 'error', ...at(text, 'place > 3') }]);
  });

  it('reports comparing a file with text', () => {
    expect(codes(check(flow('receipt == "x"')))).toEqual(['TYPE_MISMATCH']);
  });

  it('allows is set on a media value', () => {
    expect(check(flow('receipt is set'))).toEqual([]);
  });

  it('reports an unknown field in a condition, with a suggestion (UNKNOWN_MEDIA_FIELD)', () => {
    const text = flow('receipt.sise > 10');
    const [d] = find(check(text), 'UNKNOWN_MEDIA_FIELD');
    expect(d).toMatchObject({ severity: 'error', ...at(text, 'receipt.sise') });
    expect(d!.message).toContain('Did you mean "size"?');
  });

  it('reports an unknown field in a template at its place', () => {
    const text = flow('receipt is set', 'At {{place.lat}}');
    expect(find(check(text), 'UNKNOWN_MEDIA_FIELD')).toMatchObject([{ severity: 'error', ...at(text, 'place.lat') }]);
  });

  it('gives a variable from a list mixing files and cards the fields of every kind', () => {
    const text = scenario({
      a: ask({ type: ['photo', 'location'], variable: 'x' }, cond([['x.kind == "photo" and x.size > 10', 'b'], ['x.latitude > 50', 'b']], 'b')),
      b: say('{{x}} {{x.phone}}'),
    });
    expect(find(check(text), 'UNKNOWN_MEDIA_FIELD')).toMatchObject([{ ...at(text, 'x.phone') }]);
  });

  it('gives a list of files no fields', () => {
    const text = scenario({ a: ask({ type: 'document', variable: 'docs', validation: { max_count: 3 } }, 'b'), b: say('{{docs}} {{docs.name}}') });
    expect(find(check(text), 'UNKNOWN_MEDIA_FIELD')).toMatchObject([{ severity: 'error', ...at(text, 'docs.name') }]);
  });

  it('keeps the fields of a media value copied by set', () => {
    const text = scenario({
      a: ask({ type: 'location', variable: 'place' }, 'b'),
      b: say('ok', 'c', { set: { home: 'place' } }),
      c: say('{{home.latitude}} {{home.lat}}'),
    });
    expect(find(check(text), 'UNKNOWN_MEDIA_FIELD')).toMatchObject([{ ...at(text, 'home.lat}') }]);
    expect(compile(text).diagnostics.map((d) => d.code)).toEqual(['UNKNOWN_MEDIA_FIELD']);
  });

  it('types arithmetic on a number field as a number', () => {
    const text = scenario({
      a: ask({ type: 'photo', variable: 'p' }, 'b'),
      b: say('ok', cond([['kb > 10', 'c']], 'c'), { set: { kb: 'p.size / 1024' } }),
      c: say('{{kb}}'),
    });
    expect(check(text)).toEqual([]);
  });

  it('types a field comparison: a text field with a number is a mismatch', () => {
    expect(codes(check(flow('receipt.name > 3')))).toEqual(['TYPE_MISMATCH']);
  });
});
