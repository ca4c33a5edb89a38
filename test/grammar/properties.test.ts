import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  collectRefs,
  evaluate,
  parseExpression,
  parseTemplate,
  printExpression,
  printTemplate,
  renderTemplate,
  type GrammarIssue,
} from '../../grammar/index.js';
import { exprArb, fcParams, sourceArb, templateArb, templateSourceArb } from './arbitraries.js';
import { withoutSpans } from './helpers.js';

const roomy = { maxLength: 1e6, maxDepth: 1e4, maxNodes: 1e6 };

function sane(issues: GrammarIssue[], length: number): void {
  for (const issue of issues) {
    expect(issue.message).not.toContain('Internal error');
    expect(issue.span.start).toBeGreaterThanOrEqual(0);
    expect(issue.span.start).toBeLessThanOrEqual(issue.span.end);
    expect(issue.span.end).toBeLessThanOrEqual(length);
  }
}

describe('properties: parsers are total', () => {
  test.prop([sourceArb], fcParams)('parseExpression returns an AST or an issue', (source) => {
    const { expr, issues } = parseExpression(source);
    expect(expr !== undefined || issues.length > 0).toBe(true);
    sane(issues, source.length);
  });

  test.prop([fc.oneof(sourceArb, templateSourceArb)], fcParams)('parseTemplate returns a template or an issue', (source) => {
    const { template, issues } = parseTemplate(source);
    expect(template !== undefined || issues.length > 0).toBe(true);
    sane(issues, source.length);
    if (template) {
      const again = parseTemplate(printTemplate(template));
      expect(again.template && printTemplate(again.template)).toBe(printTemplate(template));
      expect(typeof renderTemplate(template, () => undefined)).toBe('string');
    }
  });
});

describe('properties: printing', () => {
  test.prop([exprArb], fcParams)('parse(print(e)) equals e modulo spans', (expr) => {
    const source = printExpression(expr);
    const parsed = parseExpression(source, roomy);
    expect(parsed.issues.filter((i) => !i.code.startsWith('REGEX_'))).toEqual([]);
    expect(withoutSpans(parsed.expr)).toEqual(withoutSpans(expr));
    for (const ref of collectRefs(parsed.expr!)) {
      expect(source.slice(ref.span.start, ref.span.end)).toBe(ref.path.join('.'));
    }
  });

  test.prop([sourceArb], fcParams)('printing a parsed expression is stable', (source) => {
    const { expr } = parseExpression(source);
    if (!expr) return;
    const printed = printExpression(expr);
    expect(printExpression(parseExpression(printed, roomy).expr!)).toBe(printed);
  });
});

describe('properties: templates', () => {
  test.prop([templateArb], fcParams)('parseTemplate(printTemplate(t)) equals t modulo spans', (template) => {
    const source = printTemplate(template);
    const parsed = parseTemplate(source);
    expect(parsed.issues.filter((i) => i.code === 'TEMPLATE_SYNTAX')).toEqual([]);
    expect(withoutSpans(parsed.template)).toEqual(withoutSpans(template));
  });
});

describe('properties: evaluation is total', () => {
  test.prop([exprArb, fc.anything()], fcParams)('evaluate never throws and returns a Value', (expr, value) => {
    const result = evaluate(expr, () => value);
    expect(['string', 'number', 'boolean', 'undefined'].includes(typeof result) || result === null).toBe(true);
    // Arithmetic never yields NaN or Infinity (a variable may still hold one and is passed through).
    if (expr.kind === 'arith' || expr.kind === 'neg') {
      expect(result === null || typeof result === 'string' || Number.isFinite(result)).toBe(true);
    }
  });
});
