import type { Expr } from '../../grammar/index.js';
import type { Template } from '../../grammar/index.js';
import type { Loc } from '../diagnostics/types.js';
import type { SourceString, StepAst } from '../scenario/ast.js';
import type { IrButton, IrInputType, IrMedia, IrMediaInput, IrValidation } from '../ir/types.js';

/** A parsed expression with the source it came from (to place diagnostics inside the string). */
export interface ParsedExpr {
  expr: Expr;
  readonly src: SourceString;
}

export interface CheckedAssignment {
  readonly variable: string;
  readonly varLoc: Loc;
  readonly value?: ParsedExpr;
}

export interface CheckedInput {
  readonly loc: Loc;
  readonly type: IrInputType;
  /** Set exactly when `type` is 'media'. */
  readonly media?: IrMediaInput;
  readonly variable: string;
  readonly variableLoc: Loc;
  readonly validation: IrValidation;
  readonly errorMessage?: { template: Template; src: SourceString };
  readonly maxAttempts?: number;
  readonly onFail?: { target: string; loc: Loc };
  readonly sensitive: boolean;
}

export interface CheckedBranch {
  readonly loc: Loc;
  readonly when?: ParsedExpr;
  readonly target?: { target: string; loc: Loc };
}

export type CheckedRoute =
  | { readonly kind: 'goto'; readonly target: string; readonly loc: Loc }
  | { readonly kind: 'branch'; readonly loc: Loc; readonly branches: readonly CheckedBranch[]; readonly else?: { target: string; loc: Loc } }
  | { readonly kind: 'end' };

/** The timers of a step, durations in ms (a duration that did not read is left out; its error is reported). */
export interface CheckedTimers {
  readonly timeout?: { readonly afterMs?: number; readonly target?: { target: string; loc: Loc } };
  readonly reminders: readonly { readonly afterMs?: number; readonly message?: { template: Template; src: SourceString } }[];
  /** A wait step: how long it pauses before its route. */
  readonly waitMs?: number;
  /** The step has `wait`, even one whose duration did not read: it still rests between turns. */
  readonly waits: boolean;
}

/** A template of a call with where it was written. */
export interface CheckedTemplate {
  readonly template: Template;
  readonly src: SourceString;
}

export type CheckedCallBody =
  | { readonly kind: 'text'; readonly text: CheckedTemplate }
  | { readonly kind: 'value'; readonly value: number | boolean | null }
  | { readonly kind: 'list'; readonly items: readonly CheckedCallBody[] }
  | { readonly kind: 'object'; readonly fields: readonly { readonly key: string; readonly value: CheckedCallBody }[] };

/** One variable a call saves: `path` is ['status'] or ['body', ...keys]. */
export interface CheckedSave {
  readonly variable: string;
  readonly varLoc: Loc;
  readonly path: readonly string[];
}

/** A step's HTTP call; parts that did not check are left out (their error is reported). */
export interface CheckedCall {
  readonly loc: Loc;
  readonly method: CallMethod;
  readonly url?: CheckedTemplate;
  readonly headers: readonly { readonly name: string; readonly value: CheckedTemplate }[];
  readonly body?: CheckedCallBody;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly save: readonly CheckedSave[];
  readonly onError?: { target: string; loc: Loc };
}

export type CallMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const CALL_METHODS: readonly CallMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** Methods that may be sent again after a failure: a second request does what the first did. */
export const IDEMPOTENT_METHODS: ReadonlySet<CallMethod> = new Set(['GET', 'PUT', 'DELETE']);
export const CALL_DEFAULT_TIMEOUT_MS = 10_000;
export const CALL_MAX_TIMEOUT_MS = 60_000;
export const CALL_MAX_RETRIES = 5;

/**
 * One medium of a step's message after the checks: `ir` is its IR without its templates; `url` and `caption` are
 * the parsed templates with where they were written; `variable` names a "{{var}}" source.
 */
export interface CheckedMedia {
  readonly loc: Loc;
  readonly type: IrMedia['type'];
  readonly url?: CheckedTemplate;
  readonly path?: string;
  readonly variable?: { readonly name: string; readonly src: SourceString; readonly span: { start: number; end: number } };
  readonly caption?: CheckedTemplate;
  readonly card?: Readonly<Record<string, string | number>>;
}

/** A step after the structural checks: names resolved to plain values, strings parsed. */
export interface CheckedStep {
  readonly id: string;
  readonly index: number;
  readonly ast: StepAst;
  readonly set: readonly CheckedAssignment[];
  readonly message?: { template: Template; src: SourceString };
  /** Absent for a step without media. */
  readonly media?: readonly CheckedMedia[];
  readonly buttons: readonly IrButton[];
  readonly input?: CheckedInput;
  readonly route: CheckedRoute;
  /** Absent for a step without timers. */
  readonly timers?: CheckedTimers;
  /** Absent for a step without a call. */
  readonly call?: CheckedCall;
  /** Lines of the step did not parse: its buttons, input and route may be missing parts (see StepAst). */
  readonly incomplete: boolean;
}

/** The whole scenario after structural checks; the analyses read this. */
export interface CheckedScenario {
  readonly name: string;
  readonly version: string;
  readonly startStep?: { id: string; loc: Loc };
  readonly steps: readonly CheckedStep[];
  readonly byId: ReadonlyMap<string, CheckedStep>;
  readonly commands: readonly { command: string; target: string; loc: Loc }[];
  /** The scenario's `expire_after` (ms) and `on_expire` step. */
  readonly expire?: { readonly afterMs?: number; readonly onExpire?: { target: string; loc: Loc } };
  /** Some lines of the file did not parse: names that nothing assigns may be assigned on those lines. */
  readonly incomplete: boolean;
}

export const BUILTIN_USER_FIELDS: Readonly<Record<string, 'string' | 'number'>> = {
  id: 'number',
  first_name: 'string',
  last_name: 'string',
  username: 'string',
  language_code: 'string',
};
export const RESERVED_VARIABLES = new Set(['user']);
/** Words of the condition language; a variable with such a name could not be referenced. */
export const KEYWORDS = new Set(['and', 'or', 'not', 'contains', 'matches', 'in', 'is', 'empty', 'set', 'true', 'false', 'null']);
export const STEP_ID = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const COMMAND = /^\/[a-z0-9_]{1,32}$/;
/** Telegram's callback_data limit. */
export const CALLBACK_DATA_MAX_BYTES = 64;
/**
 * Telegram's limit for one message's text, in UTF-16 code units (a string's length). A longer reply is sent in
 * parts, so `check` warns about a text that is always that long.
 */
export const TELEGRAM_MESSAGE_MAX_LENGTH = 4096;

/** A dialog rests at this step between turns: it waits for an answer, for its wait timer or for its call. */
export const isWaiting = (step: CheckedStep): boolean => step.input !== undefined || step.timers?.waits === true || step.call !== undefined || step.ast?.call !== undefined;

/** The route of this step follows an answer (a valid input, or a call's 2xx result) that assigns variables. */
export const routesAfterAnswer = (step: CheckedStep): boolean => step.input !== undefined || step.call !== undefined;

/** The variables an answer of this step assigns before its route: the input's, or all those the call saves. */
export function answerAssigns(step: CheckedStep): readonly string[] {
  if (step.input) return [step.input.variable];
  return step.call ? step.call.save.map((s) => s.variable) : [];
}

/** The variables a failed call still assigns on its way to `on_error`: those saved from the status. */
export const errorAssigns = (step: CheckedStep): readonly string[] => (step.call ? step.call.save.filter((s) => s.path[0] === 'status').map((s) => s.variable) : []);
