import type { Loc } from '../diagnostics/types.js';

/** A value read from the source, with where it stands. */
export interface Located<T> {
  readonly value: T;
  readonly loc: Loc;
}

/** A string from the source; `at(i)` maps index i of the decoded string to a file offset (escapes make them differ). */
export interface SourceString extends Located<string> {
  readonly at: (index: number) => number;
}

export type InputType = 'text' | 'number' | 'integer' | 'email' | 'phone' | 'date' | 'button';
export const INPUT_TYPES: readonly InputType[] = ['text', 'number', 'integer', 'email', 'phone', 'date', 'button'];
/** The keys of a step's media items. */
export const MEDIA_ITEM_TYPES = ['image', 'video', 'audio', 'document', 'location', 'contact'] as const;

export interface ButtonAst {
  readonly loc: Loc;
  readonly text?: SourceString;
  readonly value?: SourceString;
}

export interface ValidationAst {
  readonly min?: Located<number>;
  readonly max?: Located<number>;
  readonly minLength?: Located<number>;
  readonly maxLength?: Located<number>;
  readonly pattern?: SourceString;
  /** Media inputs: the largest file, bytes (a number) or a size text such as "5MB". */
  readonly maxBytes?: Located<number | string>;
  readonly mime?: { readonly loc: Loc; readonly items: readonly SourceString[] };
  readonly minCount?: Located<number>;
  readonly maxCount?: Located<number>;
}

export interface InputAst {
  readonly loc: Loc;
  /** The input type; for a list of media kinds, the first of them (`kinds` holds them all). */
  readonly type?: Located<string>;
  /** Set when the type was written as a list (`["photo", "document"]`, `ask photo, document -> x`). */
  readonly kinds?: { readonly loc: Loc; readonly items: readonly Located<string>[] };
  readonly variable?: Located<string>;
  readonly validation?: ValidationAst;
  readonly errorMessage?: SourceString;
  readonly maxAttempts?: Located<number>;
  readonly onFail?: Located<string>;
  readonly sensitive?: Located<boolean>;
}

export interface ConditionAst {
  readonly loc: Loc;
  readonly if?: SourceString;
  readonly then?: Located<string>;
}

export type NextAst =
  | { readonly kind: 'goto'; readonly target: Located<string> }
  | {
      readonly kind: 'conditional';
      readonly loc: Loc;
      readonly conditions: readonly ConditionAst[];
      readonly else?: Located<string>;
    };

export interface AssignmentAst {
  readonly variable: Located<string>;
  readonly expr: SourceString;
}

/** An input step's timeout: with no answer `after` the step was entered, go to `next`. */
export interface TimeoutAst {
  readonly loc: Loc;
  readonly after?: Located<string>;
  readonly next?: Located<string>;
}

/** A message sent `after` the input step was entered, while it still waits. */
export interface ReminderAst {
  readonly loc: Loc;
  readonly after?: Located<string>;
  readonly message?: SourceString;
}

/** A JSON body as written: string leaves are templates, other leaves are kept as they are. */
export type CallBodyAst =
  | { readonly kind: 'text'; readonly value: SourceString }
  | { readonly kind: 'value'; readonly loc: Loc; readonly value: number | boolean | null }
  | { readonly kind: 'list'; readonly loc: Loc; readonly items: readonly CallBodyAst[] }
  | { readonly kind: 'object'; readonly loc: Loc; readonly fields: readonly { readonly key: Located<string>; readonly value: CallBodyAst }[] };

/** A step's HTTP call: made after the step's message; its answer routes the step (`next`, or `onError`). */
export interface CallAst {
  readonly loc: Loc;
  readonly method?: Located<string>;
  readonly url?: SourceString;
  readonly headers?: { readonly loc: Loc; readonly items: readonly { readonly name: Located<string>; readonly value: SourceString }[] };
  readonly body?: CallBodyAst;
  readonly timeout?: Located<string>;
  readonly retries?: Located<number>;
  /** Variable <- `status` or a dotted path into the JSON body (`body.items.0.name`). */
  readonly save?: { readonly loc: Loc; readonly items: readonly { readonly variable: Located<string>; readonly path: Located<string> }[] };
  readonly onError?: Located<string>;
}

/** A location card: fixed coordinates in the scenario. */
export interface LocationCardAst {
  readonly loc: Loc;
  readonly latitude?: Located<number>;
  readonly longitude?: Located<number>;
  readonly title?: SourceString;
  readonly address?: SourceString;
}

/** A contact card: fixed in the scenario. */
export interface ContactCardAst {
  readonly loc: Loc;
  readonly phone?: SourceString;
  readonly firstName?: SourceString;
  readonly lastName?: SourceString;
}

/**
 * One medium of a step's message. `type` is its key (`image`, `video`, `audio`, `document`, `location`, `contact`);
 * `source` is a file's source (URL, shipped path or "{{var}}") or a card's "{{var}}"; a fixed card is `location`/`contact`.
 */
export interface MediaAst {
  readonly loc: Loc;
  readonly type: Located<string>;
  readonly source?: SourceString;
  readonly caption?: SourceString;
  readonly location?: LocationCardAst;
  readonly contact?: ContactCardAst;
}

export interface StepAst {
  readonly id: Located<string>;
  readonly loc: Loc;
  readonly type?: Located<string>;
  readonly description?: Located<string>;
  readonly set: readonly AssignmentAst[];
  readonly message?: SourceString;
  /** Media sent after the message text, in order; absent for a step without media. */
  readonly media?: { readonly loc: Loc; readonly items: readonly MediaAst[] };
  readonly buttons?: { readonly loc: Loc; readonly items: readonly ButtonAst[] };
  readonly input?: InputAst;
  readonly next?: NextAst;
  readonly timeout?: TimeoutAst;
  readonly reminders?: { readonly loc: Loc; readonly items: readonly ReminderAst[] };
  /** A wait step: pause this long after the message, then follow `next`. */
  readonly wait?: Located<string>;
  /** A call step: its route is followed once the call answered. */
  readonly call?: CallAst;
  /** Some lines of the step did not parse (.scn): checks draw no conclusions from what the step seems to lack. */
  readonly incomplete?: boolean;
}

export interface CommandAst {
  readonly command: Located<string>;
  readonly target: Located<string>;
}

/** A scenario as written, before any checking. JSON and the text DSL both produce this. */
export interface ScenarioAst {
  readonly loc: Loc;
  readonly name?: Located<string>;
  readonly version?: Located<string>;
  readonly description?: Located<string>;
  readonly startStep?: Located<string>;
  readonly commands: readonly CommandAst[];
  readonly steps: readonly StepAst[];
  readonly stepsLoc?: Loc;
  /** A dialog with no user message this long ends (or runs `onExpire` first). */
  readonly expireAfter?: Located<string>;
  readonly onExpire?: Located<string>;
  /** Some lines did not parse (.scn): a missing line may be the one that assigns a variable or defines a step. */
  readonly incomplete?: boolean;
}
