import { createWebSocketInspector } from '@statelyai/inspect';
import type { InspectionEvent } from 'xstate';
import { MASK } from '../log/index.js';
import { startRelay } from './relay.js';

export interface InspectorOptions {
  /** The relay's HTTP and WebSocket port. Default 8080. */
  readonly port?: number;
  /** Names of variables whose values never leave the process (answers to sensitive inputs). */
  readonly sensitiveVariables?: () => ReadonlySet<string>;
}

export interface RunningInspector {
  /** Pass to createActor (or the dialog manager) as `inspect`. */
  readonly inspect: (event: InspectionEvent) => void;
  /** The page that shows Stately's inspector with this process's actors. It needs internet in the browser. */
  readonly url: string;
  stop(): Promise<void>;
}

export class InspectorPortError extends Error {
  override readonly name = 'InspectorPortError';
}

function maskVars(context: unknown, sensitive: ReadonlySet<string>): unknown {
  const c = context as { vars?: Record<string, unknown>; effects?: unknown } | undefined;
  if (!c?.vars || sensitive.size === 0) return context;
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.vars)) vars[k] = sensitive.has(k) ? MASK : v;
  // A reply that shows a sensitive value carries its masked text: show that one.
  const effects = Array.isArray(c.effects) ? c.effects.map((e: { masked?: unknown }) => (typeof e?.masked === 'string' ? { ...e, text: e.masked } : e)) : c.effects;
  return { ...c, vars, effects };
}

/**
 * Starts a relay on localhost (a page embedding https://stately.ai/inspect, fed over a WebSocket) and connects
 * @statelyai/inspect's WebSocket inspector to it. Development only: the events carry the dialogs' data.
 */
export async function startInspector(options: InspectorOptions = {}): Promise<RunningInspector> {
  const port = options.port ?? 8080;
  const relay = await startRelay(port, 'https://stately.ai/inspect').catch((err: NodeJS.ErrnoException) => {
    throw new InspectorPortError(`the inspector port ${port} is not available (${err.code ?? err.message}): choose another with --inspect-port`, { cause: err });
  });
  const sensitive = options.sensitiveVariables ?? (() => new Set<string>());
  const inspector = createWebSocketInspector({
    url: `ws://localhost:${port}`,
    sanitizeContext: (context) => maskVars(context, sensitive()) as typeof context,
  });
  return {
    inspect: (event) => inspector.inspect.next?.(event),
    url: `http://localhost:${port}`,
    async stop() {
      inspector.stop();
      await relay.stop();
    },
  };
}
