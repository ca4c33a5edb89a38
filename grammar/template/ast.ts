import type { Literal, Span } from '../expression/ast.js';

/** Offsets are 0-based in the template string, end exclusive. */
export interface TemplateFilter {
  /** Lowercase filter name, e.g. `default`. */
  name: string;
  args: Literal[];
  /** From the filter name to its last argument. */
  span: Span;
}

export type TemplatePart =
  | { kind: 'text'; text: string }
  | {
      kind: 'value';
      /** `user.first_name` -> ['user', 'first_name']. */
      path: string[];
      filters: TemplateFilter[];
      /** The whole `{{ ... }}`. */
      span: Span;
      /** Just the dotted path. */
      pathSpan: Span;
    };

export type TemplateValuePart = Extract<TemplatePart, { kind: 'value' }>;

export interface Template {
  parts: TemplatePart[];
}
