import type { Expr, Literal } from '../../grammar/index.js';
import type { Template } from '../../grammar/index.js';
import type { InputType } from '../scenario/ast.js';
import type { FileKind, MediaInputKind, OutFileKind } from '../semantics/media.js';

/**
 * The checked intermediate representation: what the emitters and the engine consume.
 * Plain JSON (no functions, no spans), so it can be stored, hashed and shipped as is.
 */
export interface IrScenario {
  readonly name: string;
  readonly version: string;
  /** sha256 of the source text (and the IR format): identifies this scenario version. */
  readonly hash: string;
  readonly startStep: string;
  /** Steps in source order. */
  readonly steps: Readonly<Record<string, IrStep>>;
  readonly commands: readonly IrCommand[];
  readonly variables: Readonly<Record<string, IrVariable>>;
  /** The scenario's `expire_after` / `on_expire`; absent when the scenario has none. */
  readonly expire?: IrExpire;
}

export interface IrExpire {
  readonly afterMs: number;
  /** Entered when the dialog expires; without it the dialog ends (reason 'expired'). */
  readonly onExpire?: string;
}

/** A message sent `afterMs` after entering an input step, while it still waits. */
export interface IrReminder {
  readonly afterMs: number;
  readonly message: Template;
}

export interface IrCommand {
  /** With the leading slash: "/help". */
  readonly command: string;
  readonly target: string;
}

/** `file`: one FileValue; `files`: a list of them; `location`, `contact`: those cards (compiler/semantics/media.ts). */
export type IrValueType = 'string' | 'number' | 'boolean' | 'null' | 'unknown' | 'file' | 'files' | 'location' | 'contact';

export interface IrVariable {
  readonly name: string;
  readonly type: IrValueType;
  /** Set when every assignment is a button input: the possible values. */
  readonly values?: readonly string[];
  readonly sensitive: boolean;
}

export interface IrButton {
  readonly text: string;
  readonly value: string;
}

export interface IrValidation {
  readonly min?: number;
  readonly max?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

/**
 * A media input: what it accepts and the limits a file must keep. Files are accepted on what the platform declares,
 * downloaded after that transition is committed (a `fetch` effect), checked again on the bytes (size while
 * streaming, type from the content), and only then stored in the variable and routed (`media.stored`).
 */
export interface IrMediaInput {
  /** In the order written; a message with several kinds answers the first one listed that it has. */
  readonly kinds: readonly MediaInputKind[];
  /** Largest file accepted, bytes; always set (the scenario's, else the platform default the compiler chose). */
  readonly maxBytes: number;
  /** Accepted types (exact, or `image/*`); absent: any. Checked on the declared type first, then on the bytes. */
  readonly mime?: readonly string[];
  /** How many files one answer carries; the variable holds a list (`files`) when `maxCount` > 1. */
  readonly minCount: number;
  readonly maxCount: number;
}

/** Where a message's file comes from: a URL (a template), a file shipped with the bot (relative to the scenario), or a variable holding a file the user sent. */
export type IrMediaSource =
  | { readonly kind: 'url'; readonly url: Template }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'var'; readonly variable: string };

/** A location or contact card: fixed in the scenario, or a variable holding one the user sent. */
export type IrCardSource<T> = { readonly kind: 'fixed'; readonly value: T } | { readonly kind: 'var'; readonly variable: string };

/** Media sent after a step's message text, each as a message of its own, in order. */
export type IrMedia =
  | { readonly type: OutFileKind; readonly source: IrMediaSource; readonly caption?: Template }
  | { readonly type: 'location'; readonly source: IrCardSource<{ readonly latitude: number; readonly longitude: number; readonly title?: string; readonly address?: string }> }
  | { readonly type: 'contact'; readonly source: IrCardSource<{ readonly phone: string; readonly first_name: string; readonly last_name?: string }> };

/** `media` when the input takes media (then `IrInput.media` is set). */
export type IrInputType = InputType | 'media';

export interface IrInput {
  readonly type: IrInputType;
  /** Set exactly when `type` is 'media'. */
  readonly media?: IrMediaInput;
  readonly variable: string;
  readonly validation: IrValidation;
  /** Sent on invalid input: the scenario's error_message, or the default for the type. */
  readonly errorMessage: Template;
  readonly maxAttempts?: number;
  readonly onFail?: string;
  readonly sensitive: boolean;
  /** The step's buttons, for button inputs (accepted by value, or by typed text or value). */
  readonly buttons: readonly IrButton[];
}

export interface IrBranch {
  readonly when: Expr;
  readonly target: string;
}

export type IrRoute =
  | { readonly kind: 'goto'; readonly target: string }
  | { readonly kind: 'branch'; readonly branches: readonly IrBranch[]; readonly else?: string }
  | { readonly kind: 'end' };

export interface IrAssignment {
  readonly variable: string;
  readonly expr: Expr;
}

export type IrCallMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A call's JSON body: text leaves are templates (a lone `{{value}}` keeps the value's type), others literal. */
export type IrCallBody =
  | { readonly kind: 'text'; readonly template: Template }
  | { readonly kind: 'value'; readonly value: number | boolean | null }
  | { readonly kind: 'list'; readonly items: readonly IrCallBody[] }
  | { readonly kind: 'object'; readonly fields: readonly { readonly key: string; readonly value: IrCallBody }[] };

/** A variable a call sets: from ['status'], or from a path into the JSON body (['body', 'order', 'status']). */
export interface IrCallSave {
  readonly variable: string;
  readonly path: readonly string[];
}

/** A step's HTTP call. Header values may hold `{{secret.NAME}}`, which the engine leaves as written. */
export interface IrCall {
  readonly method: IrCallMethod;
  readonly url: Template;
  readonly headers: readonly { readonly name: string; readonly value: Template }[];
  readonly body?: IrCallBody;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly save: readonly IrCallSave[];
  /** Entered after a failed call; without it the dialog ends with CALL_FAILED. */
  readonly onError?: string;
}

export interface IrStep {
  readonly id: string;
  readonly set: readonly IrAssignment[];
  readonly message?: Template;
  /** Media sent after the message text (buttons go with the last message). */
  readonly media?: readonly IrMedia[];
  readonly buttons: readonly IrButton[];
  readonly input?: IrInput;
  /** Followed at once for a step without input, after a valid input otherwise, after the wait for a wait step. */
  readonly route: IrRoute;
  /** With no answer `afterMs` after entering the step, go to `target`. */
  readonly timeout?: { readonly afterMs: number; readonly target: string };
  /** Increasing `afterMs`, each before the timeout's. */
  readonly reminders?: readonly IrReminder[];
  /** A wait step: its route is followed `waitMs` after entering it. */
  readonly waitMs?: number;
  /** A call step: its route is followed after a 2xx answer, `call.onError` after a failure. */
  readonly call?: IrCall;
}

export type { Expr, Literal, Template, InputType, FileKind, MediaInputKind, OutFileKind };
