import { fc } from '@fast-check/vitest';
import { test } from 'vitest';
import { parseExpression, parseTemplate, countNodes, printExpression } from '../../grammar/index.js';
import { exprArb, sourceArb } from './arbitraries.js';
test('stats', () => {
  const srcs = fc.sample(sourceArb, { seed: 42, numRuns: 2000 });
  console.log('expr ok', srcs.filter((s) => parseExpression(s).expr).length, 'tmpl ok', srcs.filter((s) => parseTemplate(s).template && s.includes('{{')).length);
  const codes: Record<string, number> = {};
  for (const s of srcs) for (const i of parseExpression(s).issues) codes[i.code] = (codes[i.code] ?? 0) + 1;
  console.log(codes);
  const es = fc.sample(exprArb, { seed: 42, numRuns: 500 });
  const sizes = es.map(countNodes).sort((a, b) => a - b);
  console.log('sizes median', sizes[250], 'max', sizes[499], printExpression(es[7]!));
});
