import { createActor, type Actor, type AnyMachineSnapshot, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { COMMAND_EVENT, ENDED_STATE, NEW_STATE, type MachineConfig } from '../../compiler/index.js';
import { compactOf, restoreSnapshot, type CompactState } from './compact.js';
import { EngineError } from './errors.js';
import { answerRefused } from './implementations.js';
import { createScenarioMachine } from './machine.js';
import { initialSnapshot, pureTransition } from './pure-turn.js';
import { withTracer, type EngineTracer } from './trace.js';
import type { ChannelId, ContactValue, LocationValue } from '../../compiler/index.js';
import type { Effect, InboundEvent, IncomingFile, ScenarioContext, UserProfile, Vars } from './types.js';

/** A message from a user, as any platform adapter reports it. */
export interface UserMessage {
  /** Absent for messages without text (a photo, a sticker). */
  readonly text?: string;
  /** The value of a pressed button. */
  readonly press?: string;
  readonly user?: UserProfile;
  /** The channel the message came from (the platform, when it is one of the compiler's channels); see InboundEvent. */
  readonly channel?: ChannelId;
  /** Files the message carries (several for a media group), as the platform announced them. */
  readonly files?: readonly IncomingFile[];
  readonly location?: LocationValue;
  readonly contact?: ContactValue;
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
  /** A stored snapshot to continue from: `Dialog.compact()` (with `vars`) or `Dialog.persisted()`. */
  readonly snapshot?: unknown;
  /** The variables of a compact snapshot (stored apart from it). */
  readonly vars?: Vars;
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
  // A caption is not a command: a photo captioned "/start" is a photo.
  if (message.press === undefined && message.files === undefined && text?.startsWith('/')) {
    const command = text.split(/\s/, 1)[0]!.split('@', 1)[0]!.toLowerCase();
    if (commands.has(command)) return { type: COMMAND_EVENT, command, user: message.user };
  }
  const channel = message.channel === undefined ? {} : { channel: message.channel };
  if (message.files === undefined && message.location === undefined && message.contact === undefined) return { type: 'user.input', text: message.text, press: message.press, user: message.user, ...channel };
  return { type: 'user.input', text: message.text, press: message.press, user: message.user, ...channel, files: message.files, location: message.location, contact: message.contact };
}

/** What a config's dialogs share: its machine, commands, and whether its scenario reads `user.*`. */
interface ConfigFacts {
  readonly machine: AnyStateMachine;
  readonly commands: ReadonlySet<string>;
  readonly readsUser: boolean;
}

const facts = new WeakMap<MachineConfig, ConfigFacts>();

function factsOf(config: MachineConfig): ConfigFacts {
  let hit = facts.get(config);
  if (!hit) {
    // A path `user.x` is the string "user" in the config's JSON; a false positive only keeps a profile for nothing.
    hit = { machine: createScenarioMachine(config), commands: commandsOf(config), readsUser: JSON.stringify(config.states).includes('"user"') };
    facts.set(config, hit);
  }
  return hit;
}

/**
 * One conversation. `send` runs a turn and returns its effects; the machine does no I/O. Used alike by
 * `scenarist test`, `scenarist chat` and the server. A dialog is its machine snapshot: turns run through the
 * machine's transition function, with no actor, unless an inspector watches (then a live actor reports to it).
 */
export class Dialog {
  private readonly machine: AnyStateMachine;
  private readonly actor: Actor<AnyStateMachine> | undefined;
  private readonly commands: ReadonlySet<string>;
  private readonly readsUser: boolean;
  private readonly tracer: EngineTracer | undefined;
  private current: AnyMachineSnapshot;
  private failure: unknown;

  constructor(
    readonly config: MachineConfig,
    options: DialogOptions = {},
  ) {
    const { machine, commands, readsUser } = factsOf(config);
    this.machine = machine;
    this.commands = commands;
    this.readsUser = readsUser;
    this.tracer = options.tracer;
    const restored = options.snapshot === undefined ? undefined : restoreSnapshot(machine, options.snapshot, options.vars);
    if (options.inspect) {
      this.actor = createActor(machine, { snapshot: restored, inspect: options.inspect });
      // Without an error observer XState rethrows from a timer and takes the process down.
      this.actor.subscribe({ error: (err) => (this.failure = err) });
      this.actor.start();
      this.current = this.actor.getSnapshot() as AnyMachineSnapshot;
    } else {
      this.actor = undefined;
      this.current = restored ?? initialSnapshot(machine);
    }
  }

  /** Runs one turn. `tracer` (default: the one given at construction) sees its conditions and variable updates. */
  send(message: UserMessage, tracer: EngineTracer | undefined = this.tracer): TurnResult {
    return this.sendEvent(toEvent(message, this.commands), tracer);
  }

  sendEvent(event: InboundEvent, tracer: EngineTracer | undefined = this.tracer): TurnResult {
    const next = tracer ? withTracer(tracer, () => this.transition(event)) : this.transition(event);
    if (next.status === 'error' || this.failure !== undefined) throw new EngineError('the scenario machine failed', { cause: this.failure ?? next.error });
    // Every handled event runs `beginTurn` (an assign): the same context means no transition took it, so it said nothing.
    const unhandled = next.context === this.current.context;
    this.current = next;
    return { effects: unhandled ? [] : this.context.effects, step: this.step, ended: this.ended, refused: answerRefused(event) };
  }

  private transition(event: InboundEvent): AnyMachineSnapshot {
    if (this.actor) {
      this.actor.send(event);
      return this.actor.getSnapshot() as AnyMachineSnapshot;
    }
    try {
      return pureTransition(this.machine, this.current, event);
    } catch (cause) {
      throw new EngineError('the scenario machine failed', { cause });
    }
  }

  private get context(): ScenarioContext {
    return this.current.context as ScenarioContext;
  }

  get state(): string {
    return String(this.current.value);
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

  /** A JSON-safe XState snapshot to store and later pass back as `snapshot`. */
  persisted(): unknown {
    return this.machine.getPersistedSnapshot(this.current);
  }

  /** The compact state to store (with `vars` apart) and later pass back as `snapshot`, with `vars`. */
  compact(): CompactState {
    return compactOf(this.current, this.readsUser);
  }

  stop(): void {
    this.actor?.stop();
  }
}

/** Throws SnapshotMismatchError when a stored snapshot (compact or full) does not fit the machine (the scenario changed). */
export function assertSnapshotFits(machine: AnyStateMachine, snapshot: unknown, vars?: Vars): void {
  restoreSnapshot(machine, snapshot, vars);
}
