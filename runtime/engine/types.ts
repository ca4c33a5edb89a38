import type { Value } from '../../grammar/index.js';
import type { ChannelId, ContactValue, FileKind, FileValue, IrButton, LocationValue, MediaValue, OutFileKind, StoredFile } from '../../compiler/index.js';

/**
 * How a reply goes out when its channel's customer-service window (24 h after the user's last message, WhatsApp and
 * Messenger) is closed. Without it such a reply is not attempted as free text: it fails with a logged reason.
 */
export interface OutsideWindow {
  /** A WhatsApp message template approved for the business account, with its body parameters rendered. */
  readonly template?: { readonly name: string; readonly language: string; readonly params: readonly string[] };
  /** A Messenger message tag (ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE, HUMAN_AGENT). */
  readonly tag?: string;
}

/**
 * What a transition asks the outside world to do. The machine never does I/O: the driver executes effects
 * (the console, the conversation test runner and the server's delivery step all read the same list).
 */
export type Effect =
  /**
   * Send a message, with buttons when the list is non-empty. `masked` is present when the text shows a sensitive
   * variable: the same text with those values masked, for everything that is not the user's own chat (logs, history).
   */
  | {
      readonly type: 'say';
      readonly step: string;
      readonly text: string;
      readonly buttons: readonly IrButton[];
      readonly masked?: string;
      /** Media sent after the text (empty text: the media alone), each a message of its own; buttons go with the last. */
      readonly media?: readonly OutMedia[];
      /** How the step's text goes out when the channel's customer-service window is closed (rendered templates). */
      readonly outsideWindow?: OutsideWindow;
    }
  /** The dialog is over; the next message starts a new one. 'final': a final step; 'cancelled': /cancel; 'expired': idle too long. */
  | { readonly type: 'end'; readonly step: string; readonly reason: 'final' | 'error' | 'cancelled' | 'expired' }
  /**
   * Entering `step` asks for a timer `afterMs` from now: the runtime keeps it in the dialog's agenda and, when it is due
   * and the dialog is still in that visit of the step, sends back the event `timer.<timer>` (with `index`).
   */
  | { readonly type: 'schedule'; readonly step: string; readonly timer: StepTimer; readonly index?: number; readonly afterMs: number }
  /**
   * Entering a call step asks for an HTTP call: the runtime makes it after the write that asked for it committed,
   * and sends back `call.result` while the dialog is still in that visit of the step.
   */
  | { readonly type: 'call'; readonly step: string; readonly request: CallRequest }
  /**
   * A media input took files on what the platform declared: the runtime downloads them into the media store after
   * the write that asked for it committed (as an agenda entry), checks them again on the bytes, and sends back
   * `media.stored` while the dialog is still in that visit of the step.
   */
  | { readonly type: 'fetch'; readonly step: string; readonly files: readonly IncomingFile[]; readonly limits: FetchLimits }
  /**
   * The scenario could not go on: NO_ROUTE (no condition matched and there is no else, at a step without input)
   * or LOOP_LIMIT (too many steps without waiting for input in one turn), or CALL_FAILED (a call step's call failed
   * and the step has no on_error). Always followed by an 'end' effect.
   */
  | { readonly type: 'error'; readonly step: string; readonly code: 'NO_ROUTE' | 'LOOP_LIMIT' | 'CALL_FAILED'; readonly message: string };

/** What platforms tell about the user; scenarios read it as `user.first_name` and so on. */
export interface UserProfile {
  readonly id?: number | string;
  readonly first_name?: string;
  readonly last_name?: string;
  readonly username?: string;
  readonly language_code?: string;
}

export type CallMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * An HTTP call as the machine renders it from the step's templates. Header values may hold `{{secret.NAME}}`
 * placeholders, left as written: the runtime fills them in when it sends, so secrets are never stored or logged.
 */
export interface CallRequest {
  readonly method: CallMethod;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A JSON body (absent: none). */
  readonly body?: unknown;
  readonly timeoutMs: number;
  /** Further attempts after a network error, a timeout or a 5xx; only idempotent methods (GET, PUT, DELETE) retry. */
  readonly retries: number;
}

/** Why a call gave no usable answer: `status` is a non-2xx answer; `interrupted`, a non-idempotent call cut by a crash. */
export type CallFailure = 'network' | 'timeout' | 'status' | 'too_large' | 'not_json' | 'refused' | 'interrupted';

/** A file a user sent as the platform announced it, not yet downloaded. Never holds a URL with a token. */
export interface IncomingFile {
  readonly kind: FileKind;
  /** The platform's handle to download it (Telegram: file_id; web chat: the id of the already stored upload). */
  readonly ref: string;
  /** What the platform declared; checked first, then again on the bytes. */
  readonly mime?: string;
  readonly size?: number;
  readonly name?: string;
  /** The hash the platform declared (WhatsApp: base64 SHA-256), when it gives one. */
  readonly sha256?: string;
}

/** What a downloaded file must keep: checked while streaming (size) and on the first bytes (type). */
export interface FetchLimits {
  readonly maxBytes: number;
  /** Exact types or `image/*`; absent: any. */
  readonly mime?: readonly string[];
}

/** Why files could not be taken: over `maxBytes`, a type not accepted (read from the bytes), or the download failed. */
export type MediaFailure = 'too_large' | 'type' | 'download';

/** Where an outgoing file comes from: a URL, a file shipped with the bot (relative to its scenario), or a stored file. */
export type OutFileSource = { readonly url: string } | { readonly path: string } | { readonly file: StoredFile };

/** One medium of a message, rendered: a file with its caption, or a card. */
export type OutMedia =
  | { readonly type: OutFileKind; readonly source: OutFileSource; readonly caption?: string }
  | LocationValue
  | ContactValue;

/** Timers a step sets: an input step's timeout and reminders, a wait step's end. */
export type StepTimer = 'timeout' | 'reminder' | 'wait';
/** Every timer, with the dialog-wide idle expiry (scheduled by the runtime from the config's `expireAfterMs`). */
export type TimerName = StepTimer | 'expire';

export type InboundEvent =
  /**
   * A message. `text` is absent for messages without text (a photo, a sticker), and is a file's caption when it has
   * one; `press` is a pressed button's value; `files`, `location`, `contact`: media it carries.
   */
  | {
      readonly type: 'user.input';
      readonly text?: string;
      readonly press?: string;
      readonly user?: UserProfile;
      /** The channel it came from: a typed number answers a step whose buttons that channel shows as a numbered menu. */
      readonly channel?: ChannelId;
      readonly files?: readonly IncomingFile[];
      readonly location?: LocationValue;
      readonly contact?: ContactValue;
    }
  | { readonly type: 'user.command'; readonly command: string; readonly user?: UserProfile }
  /** A call's outcome: the status and JSON body of a 2xx answer, or why there was none (with the status and body of a non-2xx). */
  | { readonly type: 'call.result'; readonly ok: true; readonly status: number; readonly body: unknown; readonly user?: undefined }
  | { readonly type: 'call.result'; readonly ok: false; readonly error: CallFailure; readonly status?: number; readonly body?: unknown; readonly user?: undefined }
  /** The files of a `fetch`, stored (in the order sent), or why they were not. `detail` says what was wrong, for people. */
  | { readonly type: 'media.stored'; readonly ok: true; readonly files: readonly FileValue[]; readonly user?: undefined }
  | { readonly type: 'media.stored'; readonly ok: false; readonly error: MediaFailure; readonly detail: string; readonly user?: undefined }
  /** A timer of the agenda came due; `index` tells which reminder. */
  | { readonly type: `timer.${TimerName}`; readonly index?: number; readonly user?: undefined };

/** What a variable holds: a plain value, a media value, or the list of files of a multi-file input. */
export type VarValue = Value | MediaValue | readonly FileValue[];
export type Vars = Record<string, VarValue>;

export interface ScenarioContext<V = Vars> {
  readonly vars: V;
  /** Invalid answers at the current step. */
  readonly attempts: number;
  /** Steps entered in the current turn; bounds loops that never wait for input. */
  readonly hops: number;
  /** Effects of the last turn. */
  readonly effects: readonly Effect[];
  readonly user?: UserProfile;
}

/** At most this many steps are entered in one turn; leaving the last of them for another fails with LOOP_LIMIT. */
export const MAX_HOPS_PER_TURN = 100;
