import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ISerializedGast } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { compileScenario, formatScn } from '../../compiler/index.js';
import { parseScn, SCN_KEYWORDS, ScnParser } from '../../grammar/index.js';
import { scnGrammarDiagrams } from '../../grammar/scn/diagrams.js';

const DIR = join('docs', 'grammar');
const PAGE = join(DIR, 'scn-diagrams.html');
const REGENERATE = 'docs/grammar/ is out of date: run "npm run docs"';

const generated = scnGrammarDiagrams();
const rules = new ScnParser().getSerializedGastProductions().map((r) => (r as ISerializedGast & { name?: string }).name ?? '');

/** A simple well-formedness check: one root, balanced tags, quoted and unique attributes, only valid references. */
function xmlProblem(text: string): string | undefined {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const reference = /&(?:#\d+|#x[0-9A-Fa-f]+|amp|lt|gt|quot|apos);/g;
  const badChars = (s: string): boolean => s.includes('<') || s.replace(reference, '').includes('&');
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*"[^"]*")*)\s*(\/?)>/y;
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const textEnd = lt === -1 ? body.length : lt;
    const between = body.slice(i, textEnd);
    if (badChars(between)) return `bad character in text at ${i}: ${JSON.stringify(between.slice(0, 40))}`;
    if (stack.length === 0 && between.trim() !== '') return `text outside the root at ${i}`;
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    if (!m) return `malformed tag at ${lt}: ${JSON.stringify(body.slice(lt, lt + 40))}`;
    const [, close, name, attrs, selfClosing] = m as unknown as [string, string, string, string, string];
    if (close) {
      if (attrs || selfClosing) return `malformed end tag </${name}> at ${lt}`;
      if (stack.pop() !== name) return `</${name}> at ${lt} does not close the open element`;
    } else {
      const names = [...attrs.matchAll(/([A-Za-z_][\w:.-]*)\s*=\s*"([^"]*)"/g)];
      const seen = new Set<string>();
      for (const [, attr, value] of names) {
        if (seen.has(attr!)) return `attribute ${attr} twice on <${name}> at ${lt}`;
        seen.add(attr!);
        if (badChars(value!)) return `bad character in attribute ${attr} of <${name}> at ${lt}`;
      }
      if (stack.length === 0 && ++roots > 1) return `a second root element at ${lt}`;
      if (!selfClosing) stack.push(name);
    }
    i = tag.lastIndex;
  }
  if (stack.length > 0) return `unclosed <${stack[stack.length - 1]}>`;
  return roots === 1 ? undefined : 'no root element';
}

/** http(s) URLs other than XML namespace names. */
const externalUrls = (text: string): string[] =>
  text.replace(/\sxmlns(?::[\w.-]+)?="[^"]*"/g, '').match(/https?:\/\/[^\s"'<>)]*/gi) ?? [];

describe('docs/grammar (railroad diagrams of the .scn grammar)', () => {
  it('has one SVG per grammar rule, each identical to a fresh generation', () => {
    expect(Object.keys(generated.svgs)).toEqual(rules);
    const onDisk = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.svg')).sort() : [];
    expect(onDisk, REGENERATE).toEqual(rules.map((r) => `${r}.svg`).sort());
    for (const [rule, svg] of Object.entries(generated.svgs)) {
      expect(readFileSync(join(DIR, `${rule}.svg`), 'utf8'), `${rule}.svg: ${REGENERATE}`).toBe(svg);
    }
  });

  it('has the diagrams page identical to a fresh generation', () => {
    expect(existsSync(PAGE), REGENERATE).toBe(true);
    expect(readFileSync(PAGE, 'utf8'), `scn-diagrams.html: ${REGENERATE}`).toBe(generated.html);
  });

  it('writes SVG files that are well-formed, standalone documents', () => {
    for (const [rule, svg] of Object.entries(generated.svgs)) {
      expect(xmlProblem(svg), `${rule}.svg`).toBeUndefined();
      expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
      expect(svg).toMatch(/<style>[^<]*svg\.railroad-diagram path \{[^<]*<\/style>/);
      expect(svg).toMatch(/ viewBox="0 0 \d+(\.\d+)? \d+(\.\d+)?"/);
      expect(svg).not.toMatch(/<script|\son[a-z]+=|xlink:/i);
    }
  });

  it('draws keywords as written, token classes as placeholders, and links rule boxes', () => {
    const ask = generated.svgs['askStatement']!;
    expect(ask).toMatch(/<g class="terminal">[^]*?>ask<\/text>/);
    expect(ask).toContain('>-></text>');
    expect(ask).toContain('<a href="name.svg"><text');
    expect(generated.svgs['sayStatement']).toMatch(/<g class="terminal token">[^]*?>STRING<\/text>/);
    expect(generated.html).toContain('<a href="#name"><text');
  });

  it('makes a static page: every rule inline, no script, nothing fetched', () => {
    const html = generated.html;
    expect(html).toMatch(/^<!DOCTYPE html>\n/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\son[a-z]+=/i);
    for (const rule of rules) {
      const section = new RegExp(`<section id="${rule}">[^]*?<svg [^>]*class="railroad-diagram"[^]*?</svg>\\n</div>\\n</section>`);
      expect(html).toMatch(section);
      const svg = section.exec(html)![0].replace(/^[^]*?(<svg )/, '$1').replace(/\n<\/div>\n<\/section>$/, '');
      expect(xmlProblem(svg), `page, ${rule}`).toBeUndefined();
    }
  });

  it('references no http(s) URL but XML namespaces', () => {
    expect(externalUrls(generated.html)).toEqual([]);
    for (const [rule, svg] of Object.entries(generated.svgs)) expect(externalUrls(svg), `${rule}.svg`).toEqual([]);
    for (const file of existsSync(DIR) ? readdirSync(DIR) : []) {
      expect(externalUrls(readFileSync(join(DIR, file), 'utf8')), file).toEqual([]);
    }
  });

  it('docs/dsl.md shows each generated SVG, links the page, and links no missing diagram', () => {
    const dsl = readFileSync(join('docs', 'dsl.md'), 'utf8');
    for (const rule of rules) {
      if (existsSync(join(DIR, `${rule}.svg`))) expect(dsl, `docs/dsl.md does not show grammar/${rule}.svg`).toContain(`](grammar/${rule}.svg)`);
    }
    expect(dsl).toContain('](grammar/scn-diagrams.html)');
    for (const [, target] of dsl.matchAll(/\]\((grammar\/[^)#\s]+)\)/g)) {
      expect(existsSync(join('docs', target!)), `docs/dsl.md links ${target}, which does not exist`).toBe(true);
    }
  });
});

describe('docs/dsl.md', () => {
  const dsl = readFileSync(join('docs', 'dsl.md'), 'utf8');
  const blocks = [...dsl.matchAll(/^```scn\n([^]*?)^```$/gm)].map((m) => m[1]!);

  it('has .scn code that parses, and a complete example that checks clean and is formatted', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(parseScn(block).issues, block).toEqual([]);
    const complete = blocks.filter((b) => /^scenario "/m.test(b));
    expect(complete.length).toBeGreaterThan(0);
    for (const block of complete) {
      expect(compileScenario(block, { file: 'example.scn' }).diagnostics).toEqual([]);
      expect(formatScn(block, 'example.scn').text).toBe(block);
    }
  });

  it('names every keyword of the language', () => {
    for (const keyword of SCN_KEYWORDS) expect(dsl).toContain(`\`${keyword.name.replace(/^Kw_/, '')}\``);
  });
});

describe('the well-formedness check itself', () => {
  it('rejects what is not well-formed XML', () => {
    expect(xmlProblem('<svg><g></g></svg>')).toBeUndefined();
    expect(xmlProblem('<svg><g></svg>')).toBeDefined();
    expect(xmlProblem('<svg a="1" a="2"/>')).toBeDefined();
    expect(xmlProblem('<svg a="<"/>')).toBeDefined();
    expect(xmlProblem('<svg>a & b</svg>')).toBeDefined();
    expect(xmlProblem('<svg>a &amp; b &#95;</svg>')).toBeUndefined();
    expect(xmlProblem('<svg/><svg/>')).toBeDefined();
    expect(xmlProblem('<svg a=1/>')).toBeDefined();
  });
});
