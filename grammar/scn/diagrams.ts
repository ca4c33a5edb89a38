import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';
import type { ISerializedGast } from 'chevrotain';
import { ScnParser } from './parser.js';

// Railroad syntax diagrams of the .scn grammar, drawn offline with the builder and the railroad-diagrams library
// that ship with Chevrotain. The output is static: inline SVG, the CSS inlined, no script and no external URL.

export interface GrammarDiagrams {
  /** One static page with every rule's diagram. */
  readonly html: string;
  /** Rule name → a standalone SVG document (CSS embedded), in the order of the grammar. */
  readonly svgs: Readonly<Record<string, string>>;
}

export interface DiagramOptions {
  /** The page's title and heading. */
  readonly title?: string;
  /** Where the page links for the language reference (relative to the page). */
  readonly reference?: string;
}

interface SerializedNode extends ISerializedGast {
  readonly name?: string;
  readonly nonTerminalName?: string;
  readonly label?: string;
  readonly pattern?: unknown;
}

/** How a token stands in a diagram: keywords and punctuation as written, classes of tokens as placeholders. */
interface TokenShow {
  readonly text: string;
  /** The tooltip (an SVG <title>). */
  readonly title?: string;
}

const PLACEHOLDERS: Readonly<Record<string, TokenShow>> = {
  Name: { text: 'WORD', title: 'A letter or "_", then letters, digits, "_" and "-". Keywords are words too.' },
  Identifier: { text: 'WORD', title: 'A letter or "_", then letters, digits, "_" and "-".' },
  StringLit: { text: 'STRING', title: 'A JSON string literal: "text", with \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX escapes.' },
  NumberLit: { text: 'NUMBER', title: 'A JSON number: 3, -1.5, 1e3.' },
  Duration: { text: 'DURATION', title: 'A whole number and a unit, s, m, h or d: 90s, 10m, 24h, 7d.' },
  Size: { text: 'SIZE', title: 'A number and a unit, B, KB, MB or GB: 500KB, 5MB.' },
  CommandName: { text: 'COMMAND', title: 'A "/" and the text up to a space, "#" or quote, e.g. /help.' },
  SetExpr: { text: 'EXPRESSION', title: 'An expression: the rest of the line, up to a "#" comment outside quotes.' },
  CondExpr: { text: 'CONDITION', title: 'A condition: the text up to the last "go STEP", which ends the line.' },
  Newline: { text: 'NEWLINE', title: 'The end of a line.' },
  LineEnd: { text: 'NEWLINE', title: 'The end of a line.' },
};

const PUNCTUATION: Readonly<Record<string, string>> = { Arrow: '->', Equals: '=' };

function showToken(name: string, label: string | undefined): TokenShow & { readonly placeholder: boolean } {
  if (name.startsWith('Kw_')) return { text: name.slice(3), placeholder: false };
  const punctuation = PUNCTUATION[name];
  if (punctuation) return { text: punctuation, placeholder: false };
  const placeholder = PLACEHOLDERS[name];
  if (placeholder) return { ...placeholder, placeholder: true };
  return { text: label ?? name, placeholder: true };
}

/** What each rule of the .scn grammar is, for the page. Rules without a note are shown without one. */
const RULE_NOTES: Readonly<Record<string, string>> = {
  document: 'A file: lines, each holding at most one statement. Blank lines and comments hold none.',
  statement: 'One line. Which statements may stand where (header, step, under "ask") is checked after parsing.',
  scenarioStatement: 'Header: the scenario\'s name and version.',
  descriptionStatement: 'Header or step: documentation only.',
  startStatement: 'Header: the step a new dialog starts at.',
  commandStatement: 'Header: a global command and the step it jumps to.',
  stepStatement: 'Starts a step; the statements below it, up to the next step, belong to it.',
  typeStatement: 'Step: the step type ("message", the default).',
  setStatement: 'Step: assign a variable on entry.',
  sayStatement: 'Step: the message sent on entry (a template).',
  buttonStatement: 'Step: a button, its label and its value.',
  askStatement: 'Step: wait for input of a type, and store it in a variable.',
  inputOption: 'Under "ask": validation, error message, retries, masking.',
  limitOption: 'Under "ask": a bound on the value or on its length.',
  patternOption: 'Under "ask": a regular expression the input must match.',
  errorOption: 'Under "ask": the message sent on invalid input (a template).',
  attemptsOption: 'Under "ask": how many invalid answers are allowed.',
  onFailOption: 'Under "ask": the step entered when the attempts run out.',
  route: 'Step: where to go next.',
  goRoute: 'Step: go on to a step.',
  whenRoute: 'Step: go on to a step if the condition holds; tried in order.',
  elseRoute: 'Step: where to go when no "when" holds.',
  name: 'A step, variable or input type: a word, or a string for anything else.',
};

/** The classes the railroad-diagrams library gives to SVG elements, and the attributes SVG knows. */
const SVG_ATTRIBUTES = new Set(['class', 'd', 'x', 'y', 'width', 'height', 'rx', 'ry', 'viewBox', 'transform', 'href']);

// ---- The Chevrotain diagram builder, loaded as the CommonJS module it is ----

interface FakeSvg {
  tagName: string;
  attrs: Record<string, string | number | undefined>;
  children: FakeSvg[] | string;
  toString(): string;
}

interface DiagramNode extends FakeSvg {
  items?: DiagramNode[];
  item?: DiagramNode;
  rep?: DiagramNode;
  href?: string;
  text?: string;
  tokenName?: string;
  ruleName?: string;
  format(): DiagramNode;
}

interface Railroad {
  readonly Terminal: new (...args: never[]) => DiagramNode;
  readonly NonTerminal: new (...args: never[]) => DiagramNode;
}

interface Builder {
  convertProductionToDiagram(production: ISerializedGast, topRuleName: string): DiagramNode;
}

interface Library {
  readonly builder: Builder;
  readonly railroad: Railroad;
  readonly css: string;
}

let library: Library | undefined;

/** The chevrotain package's folder (its "exports" hide the diagrams folder from require). */
function chevrotainRoot(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('chevrotain'));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'chevrotain') return dir;
    } catch {
      // no package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the chevrotain package folder.');
    dir = parent;
  }
}

/**
 * Evaluates a UMD file as CommonJS. The package says "type": "module", so Node would load these files as ES
 * modules, where their UMD wrappers find neither `module` nor a global `this`.
 */
function loadCommonJs(file: string, resolve: (request: string) => unknown): unknown {
  const module = { exports: {} as unknown };
  const run = compileFunction(readFileSync(file, 'utf8'), ['exports', 'require', 'module'], { filename: file });
  run.call(module.exports, module.exports, resolve, module);
  return module.exports;
}

function loadLibrary(): Library {
  if (library) return library;
  const root = join(chevrotainRoot(), 'diagrams');
  const railroad = loadCommonJs(join(root, 'vendor', 'railroad-diagrams.js'), () => undefined) as Railroad;
  const builder = loadCommonJs(join(root, 'src', 'diagrams_builder.js'), (request) => {
    if (request === '../vendor/railroad-diagrams') return railroad;
    throw new Error(`diagrams_builder.js requires ${request}`);
  }) as Builder;
  const css = readFileSync(join(root, 'diagrams.css'), 'utf8');
  return (library = { builder, railroad, css });
}

// ---- CSS ----

/** The diagram rules of Chevrotain's diagrams.css, without those of its interactive page (highlighting, selection, page layout). */
function diagramCss(css: string): string {
  const rules: string[] = [];
  for (const m of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const selectors = m[1]!.trim();
    if (!selectors.split(',').every((s) => s.trim().startsWith('svg.railroad-diagram'))) continue;
    if (selectors.includes('diagramRectUsage')) continue;
    const declarations = m[2]!
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d !== '' && !/^(?:-[a-z]+-)?(?:user-select|touch-callout)\s*:/.test(d));
    if (declarations.length === 0) continue;
    const body = declarations.map((d) => `  ${d};`).join('\n');
    rules.push(`${selectors} {\n${body}\n}`);
  }
  rules.push(
    'svg.railroad-diagram rect.railroad-background {\n  fill: #fff;\n  stroke: none;\n}',
    'svg.railroad-diagram g.terminal.token rect {\n  fill: hsl(48, 100%, 82%);\n}',
  );
  return `${rules.join('\n')}\n`;
}

const PAGE_CSS = `body {
  font-family: system-ui, sans-serif;
  margin: 2em auto;
  max-width: 70em;
  padding: 0 1em;
  color: #111;
  background: #fff;
}
code {
  font-family: monospace;
}
nav ul {
  columns: 3;
}
section {
  margin: 2em 0;
}
.diagramHeader {
  font-family: monospace;
  font-size: 18px;
  font-weight: bold;
  margin-bottom: 0.2em;
}
.diagramHeader a {
  color: inherit;
  text-decoration: none;
}
section p {
  margin: 0.2em 0 0.5em;
}
.diagram {
  overflow-x: auto;
}
.legend span {
  display: inline-block;
  padding: 0 0.6em;
  border: 2px solid #000;
  font-family: monospace;
  font-weight: bold;
}
.legend .keyword {
  background: hsl(190, 100%, 83%);
  border-radius: 10px;
}
.legend .token {
  background: hsl(48, 100%, 82%);
  border-radius: 10px;
}
.legend .rule {
  background: hsl(223, 100%, 83%);
}
`;

// ---- Diagrams ----

/** Keywords and placeholders get their own text and tooltip; the page and files say what a placeholder means. */
function relabel(node: SerializedNode): SerializedNode {
  if (node.type === 'Terminal') {
    const show = showToken(node.name ?? '', node.label);
    return { ...node, label: show.text, pattern: show.title };
  }
  return node.definition ? { ...node, definition: node.definition.map(relabel) } : node;
}

function children(node: DiagramNode): DiagramNode[] {
  return [...(node.items ?? []), ...(node.item ? [node.item] : []), ...(node.rep ? [node.rep] : [])];
}

/** Marks placeholder terminals, and links each rule box to that rule's diagram. */
function decorate(node: DiagramNode, lib: Library, link: (rule: string) => string): void {
  if (node instanceof lib.railroad.NonTerminal && node.text !== undefined) node.href = link(node.text);
  if (node instanceof lib.railroad.Terminal && node.tokenName !== undefined && showToken(node.tokenName, undefined).placeholder) {
    node.attrs['class'] = 'terminal token';
  }
  for (const child of children(node)) decorate(child, lib, link);
}

/** Drops the attributes the builder adds for its interactive page (rule and token names), which SVG does not know. */
function clean(node: FakeSvg): void {
  const attrs: Record<string, string | number | undefined> = {};
  for (const [key, value] of Object.entries(node.attrs)) {
    const name = key === 'xlink:href' ? 'href' : key;
    if (SVG_ATTRIBUTES.has(name) && value !== undefined) attrs[name] = value;
  }
  node.attrs = attrs;
  if (typeof node.children !== 'string') for (const child of node.children) clean(child);
}

interface Drawn {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

function draw(rule: SerializedNode, lib: Library, link: (rule: string) => string, extra: Record<string, string>): Drawn {
  const name = rule.name ?? '';
  const diagram = lib.builder.convertProductionToDiagram(rule, name);
  decorate(diagram, lib, link);
  diagram.format();
  clean(diagram);
  const { width, height, viewBox } = diagram.attrs;
  diagram.attrs = { ...extra, class: 'railroad-diagram', width, height, viewBox, role: 'img', 'aria-label': `Syntax of ${name}` };
  return { svg: String(diagram).trimEnd(), width: Number(width), height: Number(height) };
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A standalone SVG file: namespace, title, embedded CSS and a white background, so it renders on its own. */
function standalone(rule: SerializedNode, lib: Library, css: string): string {
  const name = rule.name ?? '';
  const { svg } = draw(rule, lib, (r) => `${r}.svg`, { xmlns: 'http://www.w3.org/2000/svg' });
  const open = svg.indexOf('>') + 1;
  const head = [
    `<title>${escapeHtml(name)}</title>`,
    `<style>\n${css}</style>`,
    '<rect class="railroad-background" width="100%" height="100%"/>',
  ].join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.slice(0, open)}\n${head}${svg.slice(open)}\n`;
}

function page(rules: readonly SerializedNode[], lib: Library, css: string, options: DiagramOptions): string {
  const title = options.title ?? 'Syntax diagrams';
  const anchor = (r: string): string => `#${r}`;
  const sections = rules.map((rule) => {
    const name = rule.name ?? '';
    const note = RULE_NOTES[name];
    const { svg } = draw(rule, lib, anchor, {});
    return [
      `<section id="${escapeHtml(name)}">`,
      `<h2 class="diagramHeader"><a href="#${escapeHtml(name)}">${escapeHtml(name)}</a></h2>`,
      ...(note ? [`<p>${escapeHtml(note)}</p>`] : []),
      `<div class="diagram">\n${svg}\n</div>`,
      '</section>',
    ].join('\n');
  });
  const reference = options.reference
    ? ` The language reference is <a href="${escapeHtml(options.reference)}">${escapeHtml(options.reference.replace(/^.*\//, ''))}</a>.`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${PAGE_CSS}${css}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>One diagram per grammar rule, drawn from the parser itself. Read a diagram from left to right along the lines;
a rectangle is another rule (click it to go there), a rounded box is what is written.${reference}</p>
<p class="legend">Rounded boxes: <span class="keyword">keyword</span> is written as shown;
<span class="token">PLACEHOLDER</span> stands for a class of tokens: <code>WORD</code> a letter or <code>_</code>, then
letters, digits, <code>_</code> and <code>-</code> (keywords are words too); <code>STRING</code> a JSON string literal;
<code>NUMBER</code> a JSON number; <code>DURATION</code> a whole number and a unit (<code>10m</code>); <code>SIZE</code> a number and a unit (<code>5MB</code>); <code>COMMAND</code> a <code>/</code> and a command name; <code>EXPRESSION</code> the
rest of the line; <code>CONDITION</code> the text up to the last <code>go</code> of the line; <code>NEWLINE</code> the
end of a line. Square boxes:
<span class="rule">rule</span>.</p>
<nav>
<ul>
${rules.map((r) => `<li><a href="#${escapeHtml(r.name ?? '')}">${escapeHtml(r.name ?? '')}</a></li>`).join('\n')}
</ul>
</nav>
${sections.join('\n')}
</body>
</html>
`;
}

/**
 * The railroad diagrams of a grammar given as Chevrotain's serialized productions
 * (`parser.getSerializedGastProductions()`): a static HTML page and one standalone SVG per rule.
 */
export function grammarDiagrams(productions: readonly ISerializedGast[], options: DiagramOptions = {}): GrammarDiagrams {
  const lib = loadLibrary();
  const css = diagramCss(lib.css);
  const rules = productions.map((p) => relabel(p as SerializedNode));
  const svgs: Record<string, string> = {};
  for (const rule of rules) svgs[rule.name ?? ''] = standalone(rule, lib, css);
  return { html: page(rules, lib, css, options), svgs };
}

/** The diagrams of the .scn grammar as docs/grammar/ holds them (`npm run docs` writes them, a test compares). */
export function scnGrammarDiagrams(): GrammarDiagrams {
  return grammarDiagrams(new ScnParser().getSerializedGastProductions(), {
    title: 'The .scn language: syntax diagrams',
    reference: '../dsl.md',
  });
}
