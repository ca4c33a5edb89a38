import type { Expr, Literal } from '../../grammar/index.js';
import type { Template } from '../../grammar/index.js';
import type { InputType } from '../scenario/ast.js';

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

export type IrValueType = 'string' | 'number' | 'boolean' | 'null' | 'unknown';

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

export interface IrInput {
  readonly type: InputType;
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

export type { Expr, Literal, Template, InputType };
