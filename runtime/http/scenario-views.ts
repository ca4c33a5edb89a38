import { compileScenario, graphEdges, renderGraph, type IrScenario } from '../../compiler/index.js';
import type { Store } from '../store/index.js';

export interface ScenarioView {
  readonly hash: string;
  readonly ir: IrScenario;
  readonly svg: string;
  /** Steps in the order a dialog meets them (breadth first from the start step), for the funnel. */
  readonly order: readonly string[];
}

/** Steps breadth first from the start, then any the walk did not reach, in file order. */
function stepOrder(ir: IrScenario): string[] {
  const next = new Map<string, string[]>();
  for (const e of graphEdges(ir)) {
    if (!next.has(e.from)) next.set(e.from, []);
    next.get(e.from)!.push(e.to);
  }
  const seen = new Set<string>([ir.startStep]);
  const queue = [ir.startStep];
  for (let i = 0; i < queue.length; i++) {
    for (const to of next.get(queue[i]!) ?? []) {
      if (!seen.has(to) && ir.steps[to]) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return [...queue, ...Object.keys(ir.steps).filter((s) => !seen.has(s))];
}

/** The graph and step order of a bot's running scenario, compiled from the stored source once per version. */
export class ScenarioViews {
  private readonly cache = new Map<string, ScenarioView>();

  constructor(private readonly store: Store) {}

  async of(botId: string, hash: string): Promise<ScenarioView | undefined> {
    const key = `${botId}\u0000${hash}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const scenario = await this.store.getScenario(botId, hash);
    if (!scenario) return undefined;
    const { ir } = compileScenario(scenario.source, { file: `${botId}.${scenario.format}` });
    if (!ir) return undefined;
    const view: ScenarioView = { hash, ir, svg: renderGraph(ir, 'svg'), order: stepOrder(ir) };
    if (this.cache.size > 100) this.cache.clear();
    this.cache.set(key, view);
    return view;
  }
}
