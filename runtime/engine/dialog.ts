import { createActor, type Actor, type AnyStateMachine, type InspectionEvent, type Snapshot } from 'xstate';
import { COMMAND_EVENT, ENDED_STATE, NEW_STATE, type MachineConfig } from '../../compiler/index.js';
import { EngineError, SnapshotMismatchError } from './errors.js';
import { answerRefused } from './implementations.js';
import { createScenarioMachine } from './machine.js';
import { withTracer, type EngineTracer } from './trace.js';
import type { Effect, InboundEvent, ScenarioContext, UserProfile, Vars } from './types.js';

/** A message from a user, as any platform adapter reports it. */
export interface UserMessage {
  /** Absent for messages without text (a photo, a sticker). */
  readonly text?: string;
  /** The value of a pressed button. */
  readonly press?: string;
  readonly user?: UserProfile;
}

export interface TurnResult {
  readonly effects: readonly Effect[];
  /** The step the dialog waits in, or undefined when no dialog is running (not started, or ended). */
  readonly step: string | undefined;
  readonly ended: boolean;
  /** The message answered a waiting step that did not take it (invalid, or no condition matched): a re-prompt or on_fail. */
  readonly refused: boolean;
}

export interface DialogOptions {
  /** A persisted snapshot to continue from (see `Dialog.persisted`). */
  readonly snapshot?: unknown;
  readonly inspect?: (event: InspectionEvent) => void;
  /** Receives the conditions evaluated and the variables set by every turn (unless `send` is given another). */
  readonly tracer?: EngineTracer;
}

/** The commands a config reacts to: "/start" and the scenario's own. */
export function commandsOf(config: MachineConfig): Set<string> {
  const out = new Set<string>();
  for (const t of config.on[COMMAND_EVENT] ?? []) {
    const command = typeof t.guard === 'object' ? t.guard.params?.['command'] : undefined;
    if (typeof command === 'string') out.add(command);
  }
  return out;
}

/** Turns a message into a machine event: a known command (also "/help@SomeBot") becomes a command event. */
export function toEvent(message: UserMessage, commands: ReadonlySet<string>): InboundEvent {
  const text = message.text?.trim();
  if (message.press === undefined && text?.startsWith('/')) {
    const command = text.split(/\s/, 1)[0]!.split('@', 1)[0]!.toLowerCase();
    if (commands.has(command)) return { type: COMMAND_EVENT, command, user: message.user };
  }
  return { type: 'user.input', text: message.text, press: message.press, user: message.user };
}

/**
 * One conversation driven through one XState actor. `send` runs a turn and returns its effects; the machine does
 * no I/O. Used alike by `scenarist test`, `scenarist chat` and the server.
 */
export class Dialog {
  private readonly actor: Actor<AnyStateMachine>;
  private readonly commands: ReadonlySet<string>;
  private readonly tracer: EngineTracer | undefined;
  private failure: unknown;

  constructor(
    readonly config: MachineConfig,
    options: DialogOptions = {},
  ) {
    const machine = createScenarioMachine(config);
    if (options.snapshot !== undefined) assertSnapshotFits(machine, options.snapshot);
    this.actor = createActor(machine, { snapshot: options.snapshot as Snapshot<unknown> | undefined, inspect: options.inspect });
    // Without an error observer XState rethrows from a timer and takes the process down.
    this.actor.subscribe({ error: (err) => (this.failure = err) });
    this.actor.start();
    this.commands = commandsOf(config);
    this.tracer = options.tracer;
  }

  /** Runs one turn. `tracer` (default: the one given at construction) sees its conditions and variable updates. */
  send(message: UserMessage, tracer: EngineTracer | undefined = this.tracer): TurnResult {
    return this.sendEvent(toEvent(message, this.commands), tracer);
  }

  sendEvent(event: InboundEvent, tracer: EngineTracer | undefined = this.tracer): TurnResult {
    if (tracer) withTracer(tracer, () => this.actor.send(event));
    else this.actor.send(event);
    const snap = this.actor.getSnapshot();
    if (snap.status === 'error' || this.failure !== undefined) throw new EngineError('the scenario machine failed', { cause: this.failure ?? snap.error });
    return { effects: this.context.effects, step: this.step, ended: this.ended, refused: answerRefused(event) };
  }

  private get context(): ScenarioContext {
    return this.actor.getSnapshot().context as ScenarioContext;
  }

  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  get step(): string | undefined {
    const s = this.state;
    return s === NEW_STATE || s === ENDED_STATE ? undefined : s;
  }

  get ended(): boolean {
    return this.state === ENDED_STATE;
  }

  get vars(): Vars {
    return this.context.vars;
  }

  /** A JSON-safe snapshot to store and later pass back as `snapshot`. */
  persisted(): unknown {
    return this.actor.getPersistedSnapshot();
  }

  stop(): void {
    this.actor.stop();
  }
}

/** Throws SnapshotMismatchError when a stored snapshot does not fit the machine (the scenario changed). */
export function assertSnapshotFits(machine: AnyStateMachine, snapshot: unknown): void {
  const s = snapshot as { value?: unknown; context?: unknown; status?: unknown } | null;
  if (!s || typeof s !== 'object' || typeof s.value !== 'string' || typeof s.context !== 'object' || s.context === null) {
    throw new SnapshotMismatchError('the stored snapshot is not a scenario snapshot');
  }
  if (s.status !== 'active') throw new SnapshotMismatchError(`the stored snapshot has status ${JSON.stringify(s.status)}`);
  try {
    machine.resolveState({ value: s.value, context: s.context });
  } catch (cause) {
    throw new SnapshotMismatchError(`the stored state ${JSON.stringify(s.value)} does not exist in this scenario`, { cause });
  }
}
