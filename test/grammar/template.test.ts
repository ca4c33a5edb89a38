import { describe, expect, it } from 'vitest';
import { parseTemplate, printTemplate, renderTemplate, templateRefs, type Template } from '../../grammar/index.js';

function ok(source: string): Template {
  const { template, issues } = parseTemplate(source);
  expect(issues).toEqual([]);
  return template!;
}

const data: Record<string, unknown> = { name: 'Ann', 'user.first_name': '  bob ', n: 3, yes: true, empty: '', tags: ['a', 'b'] };
const lookup = (path: readonly string[]) => data[path.join('.')];

describe('parseTemplate', () => {
  it('splits text and values with spans', () => {
    const t = ok('Nice to meet you, {{name}}!');
    expect(t.parts).toEqual([
      { kind: 'text', text: 'Nice to meet you, ' },
      { kind: 'value', path: ['name'], filters: [], span: { start: 18, end: 26 }, pathSpan: { start: 20, end: 24 } },
      { kind: 'text', text: '!' },
    ]);
  });

  it('parses filters and arguments', () => {
    const t = ok('Hi {{ user.first_name | default: "friend" | upper }}');
    expect(t.parts[1]).toMatchObject({
      path: ['user', 'first_name'],
      pathSpan: { start: 6, end: 21 },
      filters: [
        { name: 'default', args: ['friend'], span: { start: 24, end: 41 } },
        { name: 'upper', args: [], span: { start: 44, end: 49 } },
      ],
    });
    expect(ok("{{ n | default: -1.5 }}{{x|default:'}}'}}").parts).toMatchObject([
      { filters: [{ args: [-1.5] }] },
      { filters: [{ args: ['}}'] }] },
    ]);
  });

  it('keeps single braces as text', () => {
    expect(ok('a { b } c}').parts).toEqual([{ kind: 'text', text: 'a { b } c}' }]);
    expect(ok('{{{name}}}').parts.map((p) => (p.kind === 'text' ? p.text : p.path.join('.')))).toEqual(['{', 'name', '}']);
    expect(ok('').parts).toEqual([]);
  });

  it('reports an unclosed {{ at its position', () => {
    const { template, issues } = parseTemplate('Hello {{name, how are you?');
    expect(template).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ code: 'TEMPLATE_SYNTAX', span: { start: 6, end: 8 } })]);
    expect(issues[0]!.message).toContain('column 7');
  });

  it.each([
    ['{{}}', 2, 4, 'Empty'],
    ['{{ a b }}', 5, 6, 'Unexpected "b" at column 6'],
    ['{{ a. }}', 6, 8, 'Missing a name'],
    ['{{ a | }}', 7, 9, 'Missing a filter name'],
    ['{{ a | default: x }}', 16, 17, 'quoted text or a number'],
    ['x {{ a | default: "b }}', 18, 21, 'Unclosed string starting at column 19'],
    ['{{ a # }}', 5, 6, 'Unexpected character "#" at column 6'],
  ])('syntax error in %j', (source, start, end, fragment) => {
    const { template, issues } = parseTemplate(source);
    expect(template).toBeUndefined();
    expect(issues[0]).toMatchObject({ code: 'TEMPLATE_SYNTAX', span: { start, end } });
    expect(issues[0]!.message).toContain(fragment);
  });

  it('reports unknown filters at the filter, listing the known ones', () => {
    const { template, issues } = parseTemplate('Hi {{ name | shout }} and {{ name | uper: 1 }}');
    expect(template).toBeDefined();
    expect(issues.map((i) => [i.code, i.span])).toEqual([
      ['UNKNOWN_FILTER', { start: 13, end: 18 }],
      ['UNKNOWN_FILTER', { start: 36, end: 43 }],
    ]);
    expect(issues[0]!.message).toBe('Unknown filter "shout" at column 14; use one of: default, upper, lower, trim, capitalize.');
  });

  it('reports wrong argument counts', () => {
    const { issues } = parseTemplate('{{ a | default }}{{ a | upper: "x" }}{{ a | default: 1, 2 }}');
    expect(issues.map((i) => i.code)).toEqual(['FILTER_ARGS', 'FILTER_ARGS', 'FILTER_ARGS']);
    expect(issues[0]!.message).toContain('takes 1 argument, got 0');
  });
});

describe('renderTemplate', () => {
  it.each([
    ['Hi {{name}}!', 'Hi Ann!'],
    ['{{ missing }}|{{n}}|{{yes}}|{{tags}}', '|3|true|a, b'],
    ['{{ missing | default: "friend" }}', 'friend'],
    ['{{ empty | default: "friend" | upper }}', 'FRIEND'],
    ['{{ n | default: 7 }}', '3'],
    ['{{ user.first_name | trim | capitalize }}', 'Bob'],
    ['{{ name | lower }}{{ name | upper }}', 'annANN'],
    ['{{ name | bogus }}', 'Ann'],
  ])('%s', (source, expected) => {
    expect(renderTemplate(parseTemplate(source).template!, lookup)).toBe(expected);
  });
});

describe('templateRefs and printTemplate', () => {
  it('lists refs with their default status', () => {
    const t = ok('{{a.b}} {{ c | upper | default: "x" }}');
    expect(templateRefs(t)).toEqual([
      { path: ['a', 'b'], span: { start: 2, end: 5 }, hasDefault: false },
      { path: ['c'], span: { start: 11, end: 12 }, hasDefault: true },
    ]);
  });

  it('prints canonically', () => {
    expect(printTemplate(ok('Hi {{ name|Default:"a \\"b\\""  |UPPER}}! {{x}}'))).toBe('Hi {{name | default: "a \\"b\\"" | upper}}! {{x}}');
  });
});
