import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileScenario, graphEdges, renderGraph, toSvg, type IrScenario, type IrStep } from '../../compiler/index.js';
import { examples, onFailToDone, tangled } from './graph-fixtures.js';
import { allElements, hasClass, parseXml, type XmlElement } from './xml-tree.js';

const find = (root: XmlElement, test: (e: XmlElement) => boolean): XmlElement[] => allElements(root).filter(test);

describe('toSvg', () => {
  // Written out to be looked at, e.g. chromium --headless --screenshot=x.png test-artifacts/graphs/menu-loop.svg
  const out = 'test-artifacts/graphs';
  mkdirSync(out, { recursive: true });
  const rendered = [...examples, ['tangled.json', tangled] as const].map(([name, ir]) => {
    const svg = renderGraph(ir, 'svg');
    writeFileSync(`${out}/${name.replace(/\.json$/, '.svg')}`, svg);
    return [name, ir, svg] as const;
  });

  it('is well-formed, deterministic, and self-contained: no scripts, handlers or outside URLs', () => {
    for (const [name, ir, svg] of rendered) {
      const root = parseXml(svg);
      expect(root.name, name).toBe('svg');
      expect(toSvg(ir)).toBe(svg);
      for (const e of allElements(root)) {
        expect(e.name).not.toBe('script');
        expect(e.name).not.toBe('foreignObject');
        for (const [attr, value] of Object.entries(e.attrs)) {
          expect(attr.startsWith('on'), `${e.name}@${attr}`).toBe(false);
          if (attr !== 'xmlns') expect(value).not.toMatch(/https?:|javascript:|url\((?!#)/);
        }
      }
      const style = find(root, (e) => e.name === 'style')[0]!.text;
      expect(style).not.toMatch(/@import|@font-face|url\(/);
    }
  });

  it('is an accessible image: role, title and description referenced by id', () => {
    const root = parseXml(rendered[0]![2]);
    expect(root.attrs).toMatchObject({ xmlns: 'http://www.w3.org/2000/svg', role: 'graphics-document', viewBox: expect.stringMatching(/^0 0 \d+ \d+$/) });
    const ids = root.attrs['aria-labelledby']!.split(' ');
    expect(ids.map((id) => find(root, (e) => e.attrs['id'] === id)[0]?.name)).toEqual(['title', 'desc']);
    expect(root.children[0]!.name).toBe('title');
  });

  it('draws every step of every example as a focusable group with its id, summary and an empty badge', () => {
    for (const [name, ir, svg] of rendered) {
      const root = parseXml(svg);
      const nodes = find(root, (e) => e.attrs['data-step'] !== undefined);
      expect(nodes.map((n) => n.attrs['data-step']), name).toEqual(Object.keys(ir.steps));
      for (const node of nodes) {
        const step = ir.steps[node.attrs['data-step']!]!;
        expect(node.attrs).toMatchObject({ class: expect.stringMatching(/^node step/), tabindex: '0', role: 'group', 'aria-label': expect.stringContaining(`step ${step.id}`) });
        expect(node.attrs['id']).toMatch(/^step-[\w-]+$/);
        expect(find(node, (e) => hasClass(e, 'id'))[0]!.text).toBe(step.id);
        const badge = find(node, (e) => hasClass(e, 'badge'))[0]!;
        expect(badge.attrs).toEqual({ class: 'badge empty', 'data-count-for': step.id });
        expect(badge.children.map((c) => c.name)).toEqual(['circle', 'text']);
        expect(badge.children[1]!.text).toBe('');
        // A final step has a second, inner border.
        expect(find(node, (e) => e.name === 'rect').length, step.id).toBe(step.route.kind === 'end' ? 2 : 1);
      }
      expect(new Set(nodes.map((n) => n.attrs['id'])).size).toBe(nodes.length);
    }
  });

  it('draws every edge of graphEdges once, dashed where it is dashed, with its label', () => {
    for (const [name, ir, svg] of rendered) {
      const root = parseXml(svg);
      const key = (from: string, to: string, dashed: boolean): string => `${from} -> ${to}${dashed ? ' (dashed)' : ''}`;
      const paths = find(root, (e) => e.name === 'path' && hasClass(e, 'edge'));
      const drawn = paths.map((p) => key(p.attrs['data-from']!, p.attrs['data-to']!, hasClass(p, 'dashed'))).sort();
      const edges = graphEdges(ir);
      expect(drawn, name).toEqual(edges.map((e) => key(e.from, e.to, Boolean(e.dashed))).sort());
      for (const p of paths) expect(p.attrs['marker-end']).toBe('url(#arrow)');
      const labels = find(root, (e) => hasClass(e, 'edge-label')).map((g) => g.children.find((c) => c.name === 'title')!.text);
      expect(labels.length).toBe(edges.filter((e) => e.label).length);
      for (const e of edges.filter((e) => e.label)) expect(labels).toContain(`${e.from} → ${e.to}: ${e.label}`);
    }
  });

  it('escapes scenario text in content and attributes', () => {
    const nasty = `<script>alert("x")</script>\u0001 & 'q' ]]>`;
    const r = compileScenario(
      JSON.stringify({
        name: `Bad <name> & "co"`,
        version: '1',
        start_step: 'ask',
        steps: {
          ask: {
            message: { text: nasty },
            buttons: [{ text: 'A', value: `a&b"<c>` }],
            expected_input: { type: 'button', variable: 'choice' },
            next_step: { type: 'conditional', conditions: [{ if: `choice == "a&b\\"<c>"`, then: 'done' }], else: 'ask' },
          },
          done: { message: { text: `</g></svg><svg onload="alert(1)">` } },
        },
      }),
      { file: 'nasty.json' },
    );
    const svg = toSvg(r.ir!);
    expect(svg).not.toMatch(/<script|<svg onload|<\/svg><svg/);
    const root = parseXml(svg);
    expect(find(root, (e) => e.name === 'title')[0]!.text).toBe(`Bad <name> & "co": scenario graph`);
    const ask = find(root, (e) => e.attrs['data-step'] === 'ask')[0]!;
    // The one character XML cannot carry at all becomes U+FFFD.
    expect(ask.attrs['aria-label']).toBe(`step ask: ${nasty.replace('\u0001', '\uFFFD')}`);
    expect(find(root, (e) => hasClass(e, 'edge-label') && e.attrs['data-to'] === 'done')[0]!.children[0]!.text).toBe(`ask → done: choice == "a&b\\"<c>"`);
    expect(find(root, (e) => e.attrs['data-step'] === 'done')[0]!.attrs['aria-label']).toContain('</svg><svg onload="alert(1)">');
  });

  it('escapes step ids and command names, and keeps element ids unique and plain', () => {
    const step = (id: string, route: IrStep['route']): IrStep => ({ id, set: [], buttons: [], route, message: { parts: [{ kind: 'text', text: `${id} says "hi" & <bye>` }] } });
    const odd = [`<script>'a'</script>`, `a"b&c`, `a_b_c`, `a b c`];
    const ir: IrScenario = {
      name: 'Odd ids',
      version: '1',
      hash: '',
      startStep: odd[0]!,
      steps: Object.fromEntries(odd.map((id, i) => [id, step(id, odd[i + 1] ? { kind: 'goto', target: odd[i + 1]! } : { kind: 'end' })])),
      commands: [{ command: '/<x>&"', target: odd[1]! }],
      variables: {},
    };
    const root = parseXml(toSvg(ir, { idPrefix: 'g1-' }));
    const nodes = find(root, (e) => e.attrs['data-step'] !== undefined);
    expect(nodes.map((n) => n.attrs['data-step'])).toEqual(odd);
    expect(nodes.map((n) => n.attrs['id'])).toEqual(['g1-step-_script__a___script_', 'g1-step-a_b_c', 'g1-step-a_b_c-2', 'g1-step-a_b_c-3']);
    expect(find(root, (e) => e.name === 'path' && e.attrs['data-from'] === '$cmd/<x>&"')[0]!.attrs['data-to']).toBe(odd[1]);
    expect(find(root, (e) => e.attrs['data-command'] !== undefined)[0]!.attrs['data-command']).toBe('/<x>&"');
    expect(root.attrs['aria-labelledby']).toBe('g1-graph-title g1-graph-desc');
  });

  it('draws a 600-step scenario whole, in a size that grows with its steps and edges', () => {
    const svg = toSvg(onFailToDone);
    const root = parseXml(svg);
    const edges = graphEdges(onFailToDone);
    expect(find(root, (e) => e.name === 'path' && hasClass(e, 'edge')).length).toBe(edges.length);
    expect(find(root, (e) => e.attrs['data-step'] !== undefined).length).toBe(Object.keys(onFailToDone.steps).length);
    // About 500 bytes per step and edge; before buses, every long edge added points in every layer it passed.
    expect(svg.length).toBeLessThan(1500 * (Object.keys(onFailToDone.steps).length + edges.length));
  });
});
