import type { Reporter } from '../diagnostics/reporter.js';
import type { ScenarioAst } from '../scenario/ast.js';
import { checkConditions } from './conditions.js';
import { Dataflow } from './dataflow.js';
import { stepEdges, type StepEdge } from './edges.js';
import { checkDeadEnds, checkLoops, checkReachability, liveEdges } from './graph.js';
import type { CheckedScenario } from './model.js';
import { checkReads } from './reads.js';
import { checkSensitiveShown } from './sensitive.js';
import { checkStructure } from './structure.js';
import { checkTypes, inferVariables, type VarInfo } from './types.js';
import { checkMediaVariable, type FileExists } from './media.js';
import { checkChannels } from './channels.js';
import type { ChannelId } from '../channels/index.js';

export interface CheckOptions {
  /** Whether a shipped media file exists, by its path relative to the scenario; absent, paths are not checked. */
  readonly fileExists?: FileExists;
  /** Channels to check the scenario against; absent or empty, none (Telegram's baseline limits still apply). */
  readonly channels?: readonly ChannelId[];
}

export interface CheckOutcome {
  readonly scenario: CheckedScenario;
  readonly variables: ReadonlyMap<string, VarInfo>;
  /** Steps some path reaches (the rest were reported unreachable). */
  readonly reachable: ReadonlySet<string>;
}

/** Runs every check in one pass; nothing stops at the first mistake. */
export function checkScenarioAst(ast: ScenarioAst, reporter: Reporter, options: CheckOptions = {}): CheckOutcome {
  const s = checkStructure(ast, reporter, options);
  const variables = inferVariables(s);
  for (const step of s.steps) {
    for (const m of step.media ?? []) if (m.variable) checkMediaVariable(reporter, m, variables.get(m.variable.name)?.type);
    for (const a of step.set) if (a.value) checkTypes(reporter, a.value, variables);
    if (step.route.kind === 'branch') for (const b of step.route.branches) if (b.when) checkTypes(reporter, b.when, variables);
  }
  const onExpire = s.expire?.afterMs !== undefined ? s.expire.onExpire?.target : undefined;
  const edges = new Map<string, StepEdge[]>(s.steps.map((st) => [st.id, stepEdges(st, onExpire)]));
  const flow = new Dataflow(s, edges, [...variables.keys()]);
  checkReads(reporter, s, flow, variables);
  checkSensitiveShown(reporter, s);
  if (options.channels) checkChannels(reporter, s, options.channels);
  const pruned = checkConditions(reporter, s, flow);
  const live = new Map([...edges].map(([id, list]) => [id, liveEdges(list, pruned)]));
  const reachable = checkReachability(reporter, s, live);
  checkDeadEnds(reporter, s, pruned, reachable);
  checkLoops(reporter, s, live, pruned);
  return { scenario: s, variables, reachable };
}
