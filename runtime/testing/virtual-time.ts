import { callResultEvent, nextAgenda, timerEvent, type CallResult } from '../agenda/index.js';
import type { CallRequest, Dialog, Effect, FetchLimits, InboundEvent, IncomingFile, MachineConfig, TurnResult } from '../engine/index.js';
import type { AgendaEntry } from '../store/index.js';

/** A timer applied while time was skipped, and what the dialog did. */
export interface FiredTimer {
  readonly entry: AgendaEntry;
  readonly effects: readonly Effect[];
}

/**
 * A dialog's agenda on a clock of its own, for conversation tests and `scenarist chat`: the same planning as the
 * server (nextAgenda) after every turn; `advance` moves the clock and applies every timer that comes due, in order;
 * a call waits for `respond`, which gives its result (a test's stub, or the answer of a real request); a fetch waits
 * for `stored`, which gives the files downloaded (or why not).
 */
export class VirtualAgenda {
  private entries: readonly AgendaEntry[] = [];
  private rev = 0;

  constructor(
    private readonly config: MachineConfig,
    /** The clock, ms. */
    public now = 0,
  ) {}

  get agenda(): readonly AgendaEntry[] {
    return this.entries;
  }

  /** The request of the call the dialog waits for, if any. */
  get pendingCall(): CallRequest | undefined {
    return this.entries.find((e) => e.kind === 'call')?.request as CallRequest | undefined;
  }

  /** Sends a user message to the dialog and plans the agenda after it. */
  send(dialog: Dialog, message: Parameters<Dialog['send']>[0]): TurnResult {
    const stepBefore = dialog.step ?? null;
    const turn = dialog.send(message);
    this.plan(turn, stepBefore, true, undefined);
    return turn;
  }

  /** Moves the clock `ms` ahead, applying each timer that comes due meanwhile, earliest first. */
  advance(dialog: Dialog, ms: number): FiredTimer[] {
    const target = this.now + ms;
    const fired: FiredTimer[] = [];
    for (let entry = this.nextTimer(); entry !== undefined && entry.due <= target; entry = this.nextTimer()) {
      this.now = Math.max(this.now, entry.due);
      const stepBefore = dialog.step ?? null;
      const turn = dialog.sendEvent(timerEvent(entry));
      this.plan(turn, stepBefore, false, entry.id);
      fired.push({ entry, effects: turn.effects });
    }
    this.now = target;
    return fired;
  }

  /** Applies `result` as the outcome of the pending call; undefined when no call is pending. */
  respond(dialog: Dialog, result: CallResult): TurnResult | undefined {
    const entry = this.entries.find((e) => e.kind === 'call');
    if (!entry) return undefined;
    const stepBefore = dialog.step ?? null;
    const turn = dialog.sendEvent(callResultEvent(result));
    this.plan(turn, stepBefore, false, entry.id);
    return turn;
  }

  /** The files the dialog waits for (the first fetch entry), if any. */
  get pendingFetch(): { readonly files: readonly IncomingFile[]; readonly limits: FetchLimits } | undefined {
    return this.entries.find((e) => e.kind === 'fetch')?.fetch;
  }

  /** Applies `event` as the outcome of the pending fetch; undefined when no fetch is pending. */
  stored(dialog: Dialog, event: Extract<InboundEvent, { type: 'media.stored' }>): TurnResult | undefined {
    const entry = this.entries.find((e) => e.kind === 'fetch');
    if (!entry) return undefined;
    const stepBefore = dialog.step ?? null;
    const turn = dialog.sendEvent(event);
    this.plan(turn, stepBefore, false, entry.id);
    return turn;
  }

  private nextTimer(): AgendaEntry | undefined {
    return this.entries.find((e) => e.kind === 'timer');
  }

  private plan(turn: TurnResult, stepBefore: string | null, userMessage: boolean, fired: string | undefined): void {
    this.rev++;
    const { config, now, rev } = this;
    this.entries = nextAgenda({ previous: this.entries, effects: turn.effects, stepBefore, stepAfter: turn.step ?? null, rev, now, fired, userMessage, expireAfterMs: config.expireAfterMs });
  }
}
