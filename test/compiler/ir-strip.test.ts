import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../grammar/index.js';
import { stripSpans, stripTemplateSpans } from '../../compiler/ir/build.js';

describe('stripping spans from a template for the IR', () => {
  it.each([
    'Hello',
    '{{name}}',
    'Hi {{ user.first_name | default: "friend" }}, you said {{n3}} and {{c3 | upper}}, visit {{count}}!',
    '{{a | default: "x" | trim | capitalize}}{{b|lower}} tail',
    "{{ price | default: 'none' }}",
  ])('gives what the generic strip gives, key for key: %s', (text) => {
    const { template } = parseTemplate(text);
    expect(template).toBeDefined();
    const fast = stripTemplateSpans(template!);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(stripSpans(template!)));
    expect(fast).toStrictEqual(stripSpans(template!));
  });
});
