import { AsyncLocalStorage } from 'node:async_hooks';

/** What every line of one dialog's processing carries. */
export interface LogContext {
  readonly bot_id?: string;
  readonly platform?: string;
  readonly platform_chat_id?: string;
  readonly dialog_id?: string;
  readonly update_id?: string;
  readonly [field: string]: unknown;
}

interface Frame {
  context: LogContext;
}

const storage = new AsyncLocalStorage<Frame>();

/**
 * Runs `fn` with `fields` added to the log context. The context follows the asynchronous flow of `fn` (promises,
 * timers, callbacks) and nothing else: two dialogs processed at once never see each other's fields.
 */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  const outer = storage.getStore()?.context;
  return storage.run({ context: outer ? { ...outer, ...fields } : fields }, fn);
}

/** The fields of the current flow, if any. */
export const currentLogContext = (): LogContext | undefined => storage.getStore()?.context;

/** Adds fields to the current flow's context (from here on, in this flow only). */
export function setLogContext(fields: LogContext): void {
  const frame = storage.getStore();
  if (frame) frame.context = { ...frame.context, ...fields };
  else storage.enterWith({ context: { ...fields } });
}

/** Removes one field, or all of them, from the current flow's context. */
export function clearLogContext(key?: string): void {
  const frame = storage.getStore();
  if (!frame) return;
  if (key === undefined) frame.context = {};
  else {
    const { [key]: _removed, ...rest } = frame.context;
    frame.context = rest;
  }
}
