import type { CallFailure, MediaFailure } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import type { DialogKey } from '../store/index.js';

/** What an agenda entry's turn wrote, when it was applied: the revision, the steps around it and its replies. */
interface AgendaTurnApplied {
  readonly rev?: number;
  readonly stepBefore?: string | null;
  readonly stepAfter?: string | null;
  readonly replies: number;
  readonly durationMs: number;
}

/**
 * What the dialog manager reports to observers (metrics, the web chat's live streams, the dashboard).
 * Emitted after the fact: a `turn` only once its write committed, a `delivered` only once it was marked.
 */
export type DialogEvent =
  | {
      readonly type: 'turn';
      readonly key: DialogKey;
      readonly rev: number;
      readonly stepBefore: string | null;
      readonly stepAfter: string | null;
      /** Replies the turn stored for delivery. */
      readonly replies: number;
      /** Answers the turn refused (1 or 0): invalid, or matched by no condition, so the step re-asked or gave up (on_fail). */
      readonly rejected: number;
      readonly restarted: boolean;
      readonly durationMs: number;
    }
  /**
   * A timer of the agenda came up: 'applied' as a turn (its write committed), 'duplicate' (applied before), or
   * 'dropped' (no longer in the record: the dialog left its step). Lateness: the time applied minus the time due.
   */
  | {
      readonly type: 'timer';
      readonly key: DialogKey;
      readonly name: string;
      readonly outcome: 'applied' | 'duplicate' | 'dropped';
      readonly latenessMs: number;
    } & AgendaTurnApplied
  /**
   * A call's outcome as its dialog got it: 'ok' or why it failed, applied as a turn (its write committed); or
   * 'dropped' (the dialog left its step meanwhile), 'duplicate' (applied before), 'deferred' (left to a later holder).
   */
  | {
      readonly type: 'call';
      readonly key: DialogKey;
      readonly outcome: CallOutcome;
      /** Attempts made, this holder's and earlier ones'. */
      readonly attempts: number;
    } & AgendaTurnApplied
  /**
   * A fetch of the files a user sent, as its dialog got it: 'ok' (stored) or why not, applied as a turn; or 'dropped',
   * 'duplicate', 'deferred' as for a call. `files` and `bytes`: what was stored.
   */
  | {
      readonly type: 'fetch';
      readonly key: DialogKey;
      readonly outcome: FetchOutcome;
      readonly attempts: number;
      readonly files: number;
      readonly bytes: number;
    } & AgendaTurnApplied
  /** One attempt of a fetch ended: its files stored, refused on their bytes, or a failed download. */
  | { readonly type: 'fetch-attempt'; readonly key: DialogKey; readonly durationMs: number; readonly result: 'stored' | 'refused' | 'failed' }
  /** One HTTP attempt of a call ended (an answer, or an error); its duration is the request's alone. */
  | { readonly type: 'call-attempt'; readonly key: DialogKey; readonly durationMs: number; readonly status?: number; readonly error?: CallFailure }
  | { readonly type: 'duplicate'; readonly key: DialogKey; readonly durationMs: number }
  | { readonly type: 'skipped'; readonly botId: string; readonly platform: string; readonly result: 'ignored' | 'invalid' }
  | { readonly type: 'failed'; readonly key: DialogKey; readonly durationMs: number }
  /** A message stored outside the scenario (sendMessage), or a dialog reset by an administrator. */
  | { readonly type: 'stored'; readonly key: DialogKey; readonly rev: number; readonly reason: 'message' | 'reset' }
  | { readonly type: 'delivered'; readonly key: DialogKey; readonly seq: number }
  | { readonly type: 'delivery-failed'; readonly key: DialogKey; readonly kind: 'retry' | 'blocked' | 'permanent' };

export type DialogListener = (event: DialogEvent) => void;

/** What a fetch came to for its dialog. */
export type FetchOutcome = 'ok' | MediaFailure | 'dropped' | 'duplicate' | 'deferred';

/** What a call came to for its dialog. */
export type CallOutcome = 'ok' | CallFailure | 'dropped' | 'duplicate' | 'deferred';

/** A list of listeners; one that throws is logged and never breaks the turn that emitted. */
export class DialogEvents {
  private readonly listeners = new Set<DialogListener>();

  constructor(private readonly logger: Logger) {}

  /** Adds a listener; returns the function that removes it. */
  on(listener: DialogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: DialogEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ event_type: 'ERROR', err, dialog_event: event.type }, 'a dialog event listener failed');
      }
    }
  }
}
