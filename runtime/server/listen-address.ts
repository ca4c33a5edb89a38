import { isIPv6 } from 'node:net';

/** Where a server listens, said truly, and a URL that reaches it from the same machine. */
export interface ListenAddress {
  /** host:port as bound, e.g. `0.0.0.0:3000`, `[::]:3000`, `127.0.0.1:3000`. */
  readonly hostPort: string;
  /** Whether every network interface is bound (HOST=0.0.0.0 or ::), so other machines may connect. */
  readonly everyInterface: boolean;
  /** A URL a browser on this machine can open: localhost for a wildcard host, else the host itself. */
  readonly localUrl: string;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '::0', '0:0:0:0:0:0:0:0']);

export function listenAddress(host: string, port: number): ListenAddress {
  const bracketed = (h: string): string => (isIPv6(h) ? `[${h}]` : h);
  const everyInterface = WILDCARDS.has(host);
  return {
    hostPort: `${bracketed(host)}:${port}`,
    everyInterface,
    localUrl: `http://${everyInterface ? 'localhost' : bracketed(host)}:${port}`,
  };
}
