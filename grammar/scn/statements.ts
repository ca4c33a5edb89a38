import type { CstElement, CstNode, IToken } from 'chevrotain';
import { decodeString } from './strings.js';
import type { LimitKind, ScnStatement, ScnWord } from './syntax.js';
import { BadString, StringLit } from './tokens.js';

export interface LineInfo {
  readonly line: number;
  readonly indent: number;
  readonly broken: boolean;
  /** End of the line's last token. */
  readonly end: number;
}

const isNode = (e: CstElement | undefined): e is CstNode => e !== undefined && 'children' in e;

function word(e: CstElement | undefined): ScnWord | undefined {
  if (e === undefined) return undefined;
  if (isNode(e)) return word(firstChild(e));
  if (e.isInsertedInRecovery || Number.isNaN(e.startOffset)) return undefined;
  const start = e.startOffset;
  const quoted = e.tokenType === StringLit || e.tokenType === BadString;
  const value = quoted ? decodeString(e.image, e.tokenType === StringLit) : e.image;
  return { value, start, end: start + e.image.length, quoted };
}

function firstChild(node: CstNode): CstElement | undefined {
  for (const key in node.children) return node.children[key]![0];
  return undefined;
}

/** The one child rule of an alternatives-only rule (statement, inputOption, route). */
const only = (node: CstNode): CstNode | IToken | undefined => firstChild(node);

const LIMITS: Readonly<Record<string, LimitKind>> = {
  Kw_min: 'min',
  Kw_max: 'max',
  Kw_min_length: 'min_length',
  Kw_max_length: 'max_length',
  Kw_min_count: 'min_count',
  Kw_max_count: 'max_count',
};
const FILES: Readonly<Record<string, 'image' | 'video' | 'audio' | 'document'>> = { Kw_image: 'image', Kw_video: 'video', Kw_audio: 'audio', Kw_document: 'document' };

type Fields = { readonly kind: ScnStatement['kind']; readonly [field: string]: ScnWord | readonly ScnWord[] | string | undefined };

const words = (es: readonly CstElement[] | undefined): ScnWord[] => (es ?? []).flatMap((e) => word(e) ?? []);

/** What one statement's concrete tree says. */
function fields(node: CstNode): Fields | undefined {
  const c = node.children;
  const names = c['name'] ?? [];
  switch (node.name) {
    case 'scenarioStatement': {
      const version = c['StringLit']?.[1] ?? c['NumberLit']?.[0] ?? c['Name']?.[0];
      return { kind: 'scenario', name: word(c['StringLit']?.[0]), version: word(version) };
    }
    case 'descriptionStatement':
      return { kind: 'description', text: word(c['StringLit']?.[0]) };
    case 'startStatement':
      return { kind: 'start', step: word(names[0]) };
    case 'commandStatement':
      return { kind: 'command', command: word(c['CommandName']?.[0] ?? c['StringLit']?.[0]), target: word(names[0]) };
    case 'stepStatement':
      return { kind: 'step', id: word(names[0]) };
    case 'typeStatement':
      return { kind: 'type', type: word(names[0]) };
    case 'setStatement':
      return { kind: 'set', variable: word(names[0]), expr: word(c['SetExpr']?.[0]) };
    case 'sayStatement':
      return { kind: 'say', text: word(c['StringLit']?.[0]) };
    case 'buttonStatement': {
      const value = c['StringLit']?.[1] ?? c['NumberLit']?.[0] ?? c['Name']?.[0];
      return { kind: 'button', text: word(c['StringLit']?.[0]), value: word(value) };
    }
    case 'askStatement': {
      // Names before the arrow are the types (a list only for media kinds), the one after it the variable.
      const arrow = c['Arrow']?.[0] as IToken | undefined;
      if (!arrow || Number.isNaN(arrow.startOffset) || arrow.isInsertedInRecovery) return { kind: 'ask', type: word(names[0]), variable: word(names[1]) };
      const at = arrow.startOffset;
      const all = words(names);
      const types = all.filter((w) => w.start < at);
      const variable = all.find((w) => w.start > at);
      return types.length > 1 ? { kind: 'ask', type: types[0], types, variable } : { kind: 'ask', type: types[0], variable };
    }
    case 'fileStatement': {
      const key = Object.keys(c).find((k) => k in FILES);
      return key ? { kind: FILES[key]!, source: word(c['StringLit']?.[0]), caption: word(c['StringLit']?.[1]) } : undefined;
    }
    case 'locationStatement': {
      const strings = c['StringLit'] ?? [];
      if (!c['NumberLit']) return { kind: 'location', source: word(strings[0]) };
      const title = c['Kw_title'] ? word(strings[0]) : undefined;
      const address = c['Kw_address'] ? word(strings[c['Kw_title'] ? 1 : 0]) : undefined;
      return { kind: 'location', latitude: word(c['NumberLit'][0]), longitude: word(c['NumberLit'][1]), title, address };
    }
    case 'contactStatement': {
      const strings = c['StringLit'] ?? [];
      return { kind: 'contact', phone: word(strings[0]), firstName: word(strings[1]), lastName: word(strings[2]) };
    }
    case 'maxBytesOption':
      return { kind: 'max_bytes', value: word(c['Size']?.[0] ?? c['NumberLit']?.[0] ?? c['StringLit']?.[0]) };
    case 'mimeOption':
      return { kind: 'mime', types: words(c['StringLit']) };
    case 'limitOption': {
      const key = Object.keys(c).find((k) => k in LIMITS);
      return key ? { kind: LIMITS[key]!, value: word(c['NumberLit']?.[0]) } : undefined;
    }
    case 'patternOption':
      return { kind: 'pattern', text: word(c['StringLit']?.[0]) };
    case 'errorOption':
      return { kind: 'error', text: word(c['StringLit']?.[0]) };
    case 'attemptsOption':
      return { kind: 'attempts', value: word(c['NumberLit']?.[0]) };
    case 'onFailOption':
      return { kind: c['Kw_error'] ? 'on_error' : 'on_fail', target: word(names[0]) };
    case 'sensitiveOption':
      return { kind: 'sensitive' };
    case 'waitStatement':
      return { kind: 'wait', duration: word(c['duration']?.[0]) };
    case 'expireStatement':
      return { kind: 'expire', duration: word(c['duration']?.[0]), target: word(names[0]) };
    case 'timeoutOption':
      if (!c['Kw_go']) return { kind: 'call_timeout', duration: word(c['duration']?.[0]) };
      return { kind: 'timeout', duration: word(c['duration']?.[0]), target: word(names[0]) };
    case 'callStatement':
      return { kind: 'call', method: word(c['Name']?.[0]), url: word(c['StringLit']?.[0]) };
    case 'headerOption':
      return { kind: 'header', name: word(names[0]), value: word(c['StringLit']?.[0]) };
    case 'bodyOption':
      return { kind: 'body', text: word(c['StringLit']?.[0]) };
    case 'retriesOption':
      return { kind: 'retries', value: word(c['NumberLit']?.[0]) };
    case 'saveOption':
      return { kind: 'save', path: word(names[0]), variable: word(names[1]) };
    case 'remindOption':
      return { kind: 'remind', duration: word(c['duration']?.[0]), text: word(c['StringLit']?.[0]) };
    case 'goRoute':
      return { kind: 'go', target: word(names[0]) };
    case 'whenRoute':
      return { kind: 'when', condition: word(c['CondExpr']?.[0]), target: word(names[0]) };
    case 'elseRoute':
      return { kind: 'else', target: word(names[0]) };
    default:
      return undefined;
  }
}

/** The statement a line holds, or undefined when not even its kind could be told. */
export function toStatement(cst: CstNode | undefined, info: LineInfo): ScnStatement | undefined {
  if (!cst) return undefined;
  let node = only(cst);
  if (isNode(node) && (node.name === 'inputOption' || node.name === 'callOption' || node.name === 'route')) node = only(node);
  if (node === undefined) return undefined;
  let f: Fields | undefined;
  if (isNode(node)) f = fields(node);
  if (!f) return undefined;
  const first = isNode(node) ? firstToken(node) : node;
  if (!first || first.isInsertedInRecovery) return undefined;
  const keyword = word(first)!;
  // Assigned onto `f` rather than spread into a new object: shapes differ per kind, and spreading them is slow.
  return Object.assign(f, { keyword, start: keyword.start, end: info.end, line: info.line, indent: info.indent, broken: info.broken }) as unknown as ScnStatement;
}

function firstToken(node: CstNode): IToken | undefined {
  let best: IToken | undefined;
  for (const key in node.children) {
    for (const e of node.children[key]!) {
      const t = isNode(e) ? firstToken(e) : e;
      if (t && !Number.isNaN(t.startOffset) && (!best || t.startOffset < best.startOffset)) best = t;
    }
  }
  return best;
}
