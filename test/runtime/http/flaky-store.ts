import { StoreUnavailableError, type Store } from '../../../runtime/store/index.js';

type Method = { [K in keyof Store]: Store[K] extends (...args: never[]) => unknown ? K : never }[keyof Store];

/** Wraps a store so chosen methods fail as an unreachable database does, until healed. */
export class FlakyStore {
  private readonly failing = new Map<string, (args: unknown[]) => boolean>();
  /** Calls refused since the last heal, by method. */
  readonly refused: string[] = [];

  wrap(store: Store): Store {
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return async (...args: unknown[]) => {
          if (this.failing.get(prop)?.(args)) {
            this.refused.push(prop);
            throw new StoreUnavailableError(`injected: ${prop} failed, the database is unreachable`);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  /** Every call of these methods fails. */
  fail(...methods: Method[]): void {
    for (const m of methods) this.failing.set(m, () => true);
  }

  /** Calls of `method` fail when `when` says so (it sees the call's arguments). */
  failIf(method: Method, when: (args: unknown[]) => boolean): void {
    this.failing.set(method, when);
  }

  heal(): void {
    this.failing.clear();
    this.refused.length = 0;
  }
}
