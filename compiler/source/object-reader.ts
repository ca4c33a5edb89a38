import type { Reporter } from '../diagnostics/reporter.js';
import type { Loc } from '../diagnostics/types.js';
import type { Located, SourceString } from '../scenario/ast.js';
import { closest } from '../../grammar/suggest.js';
import { jsonTypeName, locOf, type JsonNode, type JsonType } from './json-tree.js';
import { sourceString } from './source-string.js';

/** Past this many keys, an object's keys are looked up in a map rather than by a linear search. */
const LINEAR_KEYS = 12;

/** Reads one JSON object: reports duplicate keys now, and unknown keys when `finish` is called. */
export class ObjectReader {
  /** Keys in order of first appearance; for a repeated key, `props` holds its last property. */
  private readonly names: string[] = [];
  private readonly props: JsonNode[] = [];
  private readonly byName: Map<string, number> | undefined;
  private used: boolean[] | undefined;

  constructor(
    readonly node: JsonNode,
    private readonly where: string,
    private readonly reporter: Reporter,
    private readonly text: string,
  ) {
    const children = node.children;
    if (!children) return;
    if (children.length > LINEAR_KEYS) this.byName = new Map();
    for (const prop of children) {
      if (prop.type !== 'property' || !prop.valueNode) continue;
      const name = String(prop.value);
      const i = this.indexOf(name);
      if (i >= 0) {
        reporter.report('DUPLICATE_KEY', locOf(prop), { key: name });
        this.props[i] = prop;
      } else {
        this.byName?.set(name, this.names.length);
        this.names.push(name);
        this.props.push(prop);
      }
    }
  }

  private indexOf(name: string): number {
    if (this.byName) return this.byName.get(name) ?? -1;
    return this.names.indexOf(name);
  }

  entries(): { key: Located<string>; value: JsonNode }[] {
    const out: { key: Located<string>; value: JsonNode }[] = new Array(this.names.length);
    for (let i = 0; i < this.names.length; i++) {
      const prop = this.props[i]!;
      out[i] = { key: { value: this.names[i]!, loc: locOf(prop) }, value: prop.valueNode! };
    }
    return out;
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  raw(name: string): JsonNode | undefined {
    const i = this.indexOf(name);
    if (i < 0) return undefined;
    (this.used ??= [])[i] = true;
    return this.props[i]!.valueNode;
  }

  keyLoc(name: string): Loc | undefined {
    const i = this.indexOf(name);
    return i >= 0 ? locOf(this.props[i]!) : undefined;
  }

  private typed(name: string, type: JsonType, expected: string): JsonNode | undefined {
    const node = this.raw(name);
    if (!node) return undefined;
    if (node.type !== type) {
      this.reporter.report('WRONG_TYPE', locOf(node), { field: name, expected, actual: jsonTypeName(node) });
      return undefined;
    }
    return node;
  }

  string(name: string): SourceString | undefined {
    const node = this.typed(name, 'string', 'a string');
    return node ? sourceString(node, this.text) : undefined;
  }

  number(name: string, integer = false): Located<number> | undefined {
    const node = this.typed(name, 'number', integer ? 'a whole number' : 'a number');
    if (!node) return undefined;
    if (integer && !Number.isInteger(node.value)) {
      this.reporter.report('WRONG_TYPE', locOf(node), { field: name, expected: 'a whole number', actual: String(node.value) });
      return undefined;
    }
    return { value: node.value as number, loc: locOf(node) };
  }

  boolean(name: string): Located<boolean> | undefined {
    const node = this.typed(name, 'boolean', 'true or false');
    return node ? { value: node.value as boolean, loc: locOf(node) } : undefined;
  }

  object(name: string): JsonNode | undefined {
    return this.typed(name, 'object', 'an object');
  }

  array(name: string): JsonNode | undefined {
    return this.typed(name, 'array', 'an array');
  }

  /** Reports every key that was never read. */
  finish(allowed: readonly string[]): void {
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i]!;
      if (this.used?.[i] || name === '$schema') continue;
      this.reporter.report('UNKNOWN_FIELD', locOf(this.props[i]!), { field: name, where: this.where, suggestion: closest(name, allowed) });
    }
  }
}
