export type JsonType = 'object' | 'array' | 'property' | 'string' | 'number' | 'boolean' | 'null';

/**
 * A JSON value with its offsets. Lighter than jsonc-parser's `Node`: no parent links, and a property is one node
 * (its key in `value`/`offset`/`length`, its value in `valueNode`) rather than a property, a key and a list.
 */
export class JsonNode {
  /** Array items; the properties of an object. */
  children: JsonNode[] | undefined = undefined;
  /** The value of a property (the first one, as jsonc-parser's tree reads). */
  valueNode: JsonNode | undefined = undefined;

  constructor(
    readonly type: JsonType,
    readonly offset: number,
    public length: number,
    readonly value: unknown,
  ) {}
}
