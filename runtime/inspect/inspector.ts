import { createWebSocketInspector } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { createServer } from 'node:net';
import type { InspectionEvent } from 'xstate';
import { MASK } from '../log/index.js';

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
  stop(): void;
}

export class InspectorPortError extends Error {
  override readonly name = 'InspectorPortError';
}

/** The relay server reports no listen error (it would crash the process), so the port is tried first. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(new InspectorPortError(`the inspector port ${port} is not available (${err.code ?? err.message}): choose another with --inspect-port`)),
    );
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

function maskVars(context: unknown, sensitive: ReadonlySet<string>): unknown {
  const c = context as { vars?: Record<string, unknown> } | undefined;
  if (!c?.vars || sensitive.size === 0) return context;
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.vars)) vars[k] = sensitive.has(k) ? MASK : v;
  return { ...c, vars };
}

/**
 * Starts @statelyai/inspect's relay (a local page embedding https://stately.ai/inspect) and a WebSocket
 * inspector connected to it. Development only: whoever reaches the port sees the dialogs' events.
 */
export async function startInspector(options: InspectorOptions = {}): Promise<RunningInspector> {
  const port = options.port ?? 8080;
  await assertPortFree(port);
  const server = createInspectorServer({ port, autoOpen: false });
  const sensitive = options.sensitiveVariables ?? (() => new Set<string>());
  const inspector = createWebSocketInspector({
    url: `ws://localhost:${port}`,
    sanitizeContext: (context) => maskVars(context, sensitive()) as typeof context,
  });
  return {
    inspect: (event) => inspector.inspect.next?.(event),
    url: `http://localhost:${port}`,
    stop() {
      inspector.stop();
      server.stop();
    },
  };
}
