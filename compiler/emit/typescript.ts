import type { IrScenario, IrVariable } from '../ir/types.js';

const TS_TYPE: Record<IrVariable['type'], string> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  null: 'null',
  unknown: 'string | number | boolean | null',
  file: 'FileValue',
  files: 'FileValue[]',
  location: 'LocationValue',
  contact: 'ContactValue',
};

const quote = (s: string): string => JSON.stringify(s);
const propName = (s: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : quote(s));

/**
 * The media types a variable of no single type may hold, from the media inputs that assign it (a list mixing files
 * and cards, or an input and a `set`): added to its union so the module accepts what the engine stores.
 */
function mixedMediaTypes(ir: IrScenario): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const step of Object.values(ir.steps)) {
    const media = step.input?.media;
    if (!media || ir.variables[step.input!.variable]?.type !== 'unknown') continue;
    const set = out.get(step.input!.variable) ?? new Set<string>();
    for (const kind of media.kinds) set.add(kind === 'location' ? 'LocationValue' : kind === 'contact' ? 'ContactValue' : media.maxCount > 1 ? 'FileValue[]' : 'FileValue');
    out.set(step.input!.variable, set);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/** The variables as a TypeScript interface; a button input's variable is the union of its button values. */
export function varsInterface(ir: IrScenario): string {
  const mixed = mixedMediaTypes(ir);
  const lines = Object.values(ir.variables).map((v) => {
    const extra = mixed.get(v.name);
    const type = v.values ? v.values.map(quote).join(' | ') : extra ? [TS_TYPE[v.type], ...extra].join(' | ') : TS_TYPE[v.type];
    return `  ${propName(v.name)}?: ${type};`;
  });
  return `export interface Vars {\n${lines.join('\n')}\n}`;
}

/** The media value shapes (compiler/semantics/media.ts), declared in each module that uses them so it stands alone. */
const MEDIA_DECLARATIONS: Readonly<Record<'FileValue' | 'LocationValue' | 'ContactValue', string>> = {
  FileValue: `/** A file the user sent: a reference to the stored bytes (their type read from the bytes). */
export interface FileValue {
  readonly kind: 'photo' | 'document' | 'video' | 'audio' | 'voice';
  readonly id: string;
  readonly mime: string;
  readonly size: number;
  readonly name: string;
  readonly sha256: string;
}`,
  LocationValue: `/** A location the user shared. */
export interface LocationValue {
  readonly kind: 'location';
  readonly latitude: number;
  readonly longitude: number;
  readonly title?: string;
  readonly address?: string;
}`,
  ContactValue: `/** A contact the user shared. */
export interface ContactValue {
  readonly kind: 'contact';
  readonly phone: string;
  readonly first_name: string;
  readonly last_name?: string;
  readonly user_id?: string;
}`,
};

const MEDIA_TYPE_OF: Partial<Record<IrVariable['type'], keyof typeof MEDIA_DECLARATIONS>> = { file: 'FileValue', files: 'FileValue', location: 'LocationValue', contact: 'ContactValue' };

/** The declarations of the media types the variables use, in a fixed order; empty without media. */
export function mediaDeclarations(ir: IrScenario): string {
  const used = new Set<string>(Object.values(ir.variables).flatMap((v) => MEDIA_TYPE_OF[v.type] ?? []));
  for (const types of mixedMediaTypes(ir).values()) for (const t of types) used.add(t.replace('[]', ''));
  return (Object.keys(MEDIA_DECLARATIONS) as (keyof typeof MEDIA_DECLARATIONS)[])
    .filter((k) => used.has(k))
    .map((k) => `\n${MEDIA_DECLARATIONS[k]}\n`)
    .join('');
}

/** The timer events the scenario's machine handles, as a union of event types; undefined without timers. */
export function timerEventType(ir: IrScenario): string | undefined {
  const steps = Object.values(ir.steps);
  const reminders = Math.max(0, ...steps.map((s) => s.reminders?.length ?? 0));
  const events: string[] = [];
  if (steps.some((s) => s.timeout)) events.push(`{ readonly type: 'timer.timeout' }`);
  if (reminders > 0) events.push(`{ readonly type: 'timer.reminder'; readonly index: ${[...Array(reminders).keys()].join(' | ')} }`);
  if (steps.some((s) => s.waitMs !== undefined)) events.push(`{ readonly type: 'timer.wait' }`);
  if (ir.expire) events.push(`{ readonly type: 'timer.expire' }`);
  return events.length > 0 ? events.join(' | ') : undefined;
}

/**
 * A TypeScript module for one scenario: the typed context (Vars, StepId) and the machine, built by the engine from
 * the machine config that `compile` writes beside it (imported as JSON, so large scenarios stay cheap to type-check).
 */
export function emitTypeScript(ir: IrScenario, options: { source: string; configImport: string; engineImport?: string }): string {
  const engine = options.engineImport ?? 'scenarist/engine';
  const steps = Object.keys(ir.steps).map(quote).join(' | ') || 'never';
  const timers = timerEventType(ir);
  // Only scenarios with timers get the type, so other modules stay as they were.
  const timerType = timers
    ? `\n/** The timer events this scenario handles: send one when the runtime's agenda says it is due. */\nexport type TimerEvent = ${timers};\n`
    : '';
  const callSteps = Object.values(ir.steps).filter((s) => s.call).map((s) => quote(s.id));
  // Likewise only scenarios with calls get these types and the import they need.
  const callType =
    callSteps.length > 0
      ? `\n/** The steps that make an HTTP call and wait for its result. */\nexport type CallStepId = ${callSteps.join(' | ')};\n` +
        `\n/** A call's result: send it to the dialog at a call step when the runtime's call answered (or failed). */\n` +
        `export type CallResultEvent =\n  | { readonly type: 'call.result'; readonly ok: true; readonly status: number; readonly body: unknown }\n` +
        `  | { readonly type: 'call.result'; readonly ok: false; readonly error: CallFailure; readonly status?: number; readonly body?: unknown };\n`
      : '';
  const engineTypes = callSteps.length > 0 ? 'type CallFailure, type MachineConfig, type ScenarioMachine' : 'type MachineConfig, type ScenarioMachine';
  return `// Generated by \`scenarist compile\` from ${options.source}. Do not edit: change the scenario and compile again.
import { createScenarioMachine, ${engineTypes} } from ${quote(engine)};
import config from ${quote(options.configImport)} with { type: 'json' };

/** Scenario ${quote(ir.name)}, version ${quote(ir.version)}. */
export const scenario = { name: ${quote(ir.name)}, version: ${quote(ir.version)}, hash: ${quote(ir.hash)} } as const;

/** The steps of the scenario: the states a dialog can wait in or pass through. */
export type StepId = ${steps};

/** The dialog's variables; each is unset until a step assigns it. */
${varsInterface(ir)}${mediaDeclarations(ir)}
${timerType}${callType}
/** The XState machine: its snapshot's \`context.vars\` is \`Vars\` and its \`value\` a \`StepId\`, "$new" or "$ended". */
export const machine: ScenarioMachine<Vars, StepId> = createScenarioMachine<Vars, StepId>(config as MachineConfig);
export default machine;
`;
}
