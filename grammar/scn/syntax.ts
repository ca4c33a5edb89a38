/** A word or literal on a line: its value (decoded when quoted) and where it stands in the file (offsets, end exclusive). */
export interface ScnWord {
  readonly value: string;
  readonly start: number;
  readonly end: number;
  /** Written as a JSON string literal: `value` is decoded, and its characters do not map 1:1 onto the file. */
  readonly quoted: boolean;
}

interface Line {
  /** The statement's first word. */
  readonly keyword: ScnWord;
  /** From the keyword to the end of the statement's last token. */
  readonly start: number;
  readonly end: number;
  /** 1-based. */
  readonly line: number;
  /** Characters before the keyword on its line. */
  readonly indent: number;
  /** The line has a syntax error: the fields that did parse are kept, the rest are missing. */
  readonly broken: boolean;
}

export type LimitKind = 'min' | 'max' | 'min_length' | 'max_length' | 'min_count' | 'max_count';

/** One line of a .scn file. Optional fields are missing only on a broken line. */
export type ScnStatement = Line &
  (
    | { readonly kind: 'scenario'; readonly name?: ScnWord; readonly version?: ScnWord }
    | { readonly kind: 'description'; readonly text?: ScnWord }
    | { readonly kind: 'start'; readonly step?: ScnWord }
    | { readonly kind: 'command'; readonly command?: ScnWord; readonly target?: ScnWord }
    | { readonly kind: 'step'; readonly id?: ScnWord }
    | { readonly kind: 'type'; readonly type?: ScnWord }
    | { readonly kind: 'set'; readonly variable?: ScnWord; readonly expr?: ScnWord }
    | { readonly kind: 'say'; readonly text?: ScnWord }
    | { readonly kind: 'button'; readonly text?: ScnWord; readonly value?: ScnWord }
    /** `ask TYPE[, TYPE…] -> VARIABLE`: `types` holds every type listed (more than one only for media kinds). */
    | { readonly kind: 'ask'; readonly type?: ScnWord; readonly types?: readonly ScnWord[]; readonly variable?: ScnWord }
    /** `image SOURCE [caption STRING]`, likewise `video`, `audio`, `document`. */
    | { readonly kind: 'image' | 'video' | 'audio' | 'document'; readonly source?: ScnWord; readonly caption?: ScnWord }
    /** `location "{{var}}"` (source) or `location LAT LON [title STRING] [address STRING]`. */
    | { readonly kind: 'location'; readonly source?: ScnWord; readonly latitude?: ScnWord; readonly longitude?: ScnWord; readonly title?: ScnWord; readonly address?: ScnWord }
    /** `contact "{{var}}"` (phone alone) or `contact PHONE FIRST_NAME [LAST_NAME]`. */
    | { readonly kind: 'contact'; readonly phone?: ScnWord; readonly firstName?: ScnWord; readonly lastName?: ScnWord }
    | { readonly kind: 'max_bytes'; readonly value?: ScnWord }
    | { readonly kind: 'mime'; readonly types: readonly ScnWord[] }
    | { readonly kind: LimitKind | 'attempts' | 'retries'; readonly value?: ScnWord }
    | { readonly kind: 'pattern' | 'error'; readonly text?: ScnWord }
    | { readonly kind: 'on_fail' | 'on_error'; readonly target?: ScnWord }
    | { readonly kind: 'sensitive' }
    | { readonly kind: 'go' | 'else'; readonly target?: ScnWord }
    | { readonly kind: 'when'; readonly condition?: ScnWord; readonly target?: ScnWord }
    | { readonly kind: 'wait'; readonly duration?: ScnWord }
    /** `expire after 7d [go STEP]` (header), `timeout after 10m go STEP` (input option). */
    | { readonly kind: 'expire' | 'timeout'; readonly duration?: ScnWord; readonly target?: ScnWord }
    | { readonly kind: 'remind'; readonly duration?: ScnWord; readonly text?: ScnWord }
    /** `call [METHOD] "URL"` and the lines under it: `header`, `body`, `timeout after 10s`, `retries`, `save`, `on error go`. */
    | { readonly kind: 'call'; readonly method?: ScnWord; readonly url?: ScnWord }
    | { readonly kind: 'header'; readonly name?: ScnWord; readonly value?: ScnWord }
    | { readonly kind: 'body'; readonly text?: ScnWord }
    | { readonly kind: 'call_timeout'; readonly duration?: ScnWord }
    | { readonly kind: 'save'; readonly path?: ScnWord; readonly variable?: ScnWord }
    /** A line whose statement could not be told at all (always broken). */
    | { readonly kind: 'unknown' }
  );

export type ScnStatementKind = ScnStatement['kind'];
/** The statement of one kind (members such as `min | max` share a shape, so this is not a plain Extract). */
export type ScnStatementOf<K extends ScnStatementKind> = ScnStatement extends infer S
  ? S extends { readonly kind: infer SK }
    ? K extends SK
      ? S & { readonly kind: K }
      : never
    : never
  : never;

/** A `#` comment, kept so that formatting can put it back. */
export interface ScnComment {
  /** From the `#` to the end of the line, trailing spaces removed. */
  readonly text: string;
  readonly start: number;
  readonly line: number;
  /** Alone on its line (else it follows a statement). */
  readonly own: boolean;
}

export type ScnIssueCode = 'SCN_SYNTAX' | 'SCN_STRING';

/** A syntax problem; offsets are in the file. */
export interface ScnIssue {
  readonly code: ScnIssueCode;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

export interface ScnParseResult {
  readonly statements: readonly ScnStatement[];
  readonly comments: readonly ScnComment[];
  /** At most one per line, in file order. */
  readonly issues: readonly ScnIssue[];
}
