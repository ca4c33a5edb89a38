import { compileScenario, emitMachineConfig, type IrInput, type IrMedia, type IrMediaInput, type IrScenario, type IrStep, type MachineConfig } from '../../compiler/index.js';
import { parseExpression, parseTemplate, type Template } from '../../grammar/index.js';
import { scenario } from './scenario-text.js';

/**
 * Media scenarios built as IR: a scenario compiled from JSON with text inputs, then given media inputs and media
 * messages directly (what the compiler's media format produces), so the engine is tested on its own.
 */

export const tpl = (text: string): Template => {
  const { template } = parseTemplate(text);
  if (!template) throw new Error(`bad template ${text}`);
  return template;
};

export const expr = (text: string) => {
  const { expr: e } = parseExpression(text);
  if (!e) throw new Error(`bad expression ${text}`);
  return e;
};

export const mediaInput = (over: Partial<IrMediaInput> = {}): IrMediaInput => ({ kinds: ['photo'], maxBytes: 5_000_000, minCount: 1, maxCount: 1, ...over });

export interface StepPatch {
  /** The step's input becomes this media input. */
  readonly input?: IrMediaInput;
  readonly media?: readonly IrMedia[];
  /** Replaces the step's route with these branches (conditions as text) and an `else`. */
  readonly branches?: readonly { readonly when: string; readonly target: string }[];
  readonly else?: string;
  /** Drops the step's message (media alone). */
  readonly noMessage?: boolean;
}

let serial = 0;

/** Compiles `steps` (JSON scenario steps) and applies `patches` per step id; a fresh hash each time. */
export function mediaIr(steps: Record<string, unknown>, patches: Record<string, StepPatch>, extra: Record<string, unknown> = {}): IrScenario {
  const { ir, diagnostics } = compileScenario(scenario(steps, extra), { file: 'media.json' });
  if (!ir) throw new Error(JSON.stringify(diagnostics));
  const out: Record<string, IrStep> = { ...ir.steps };
  for (const [id, p] of Object.entries(patches)) {
    let step: IrStep = out[id]!;
    if (p.input) step = { ...step, input: { ...(step.input as IrInput), type: 'media', media: p.input } };
    if (p.media) step = { ...step, media: p.media };
    if (p.noMessage) {
      const { message: _m, ...rest } = step;
      step = rest;
    }
    if (p.branches) step = { ...step, route: { kind: 'branch', branches: p.branches.map((b) => ({ when: expr(b.when), target: b.target })), ...(p.else ? { else: p.else } : {}) } };
    out[id] = step;
  }
  return { ...ir, steps: out, hash: `${ir.hash}-media-${++serial}` };
}

export const mediaConfig = (steps: Record<string, unknown>, patches: Record<string, StepPatch>, extra?: Record<string, unknown>): MachineConfig =>
  emitMachineConfig(mediaIr(steps, patches, extra));
