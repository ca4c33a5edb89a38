import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP port free on this machine right now (for servers that must be restarted on the same port). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
