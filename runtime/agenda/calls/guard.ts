import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Which destinations calls may reach besides public addresses (server-side request forgery guard). */
export interface CallPolicy {
  /** CALLS_ALLOW_PRIVATE: any address, loopback and private networks included. */
  readonly allowPrivate: boolean;
  /** CALLS_ALLOWED_HOSTS: host names (or addresses) whose private addresses are allowed, lower case. */
  readonly allowedHosts: readonly string[];
}

export const DEFAULT_CALL_POLICY: CallPolicy = Object.freeze({ allowPrivate: false, allowedHosts: Object.freeze([]) });

/** Loopback, private (RFC 1918, fc00::/7), link-local, unspecified, multicast, CGNAT and other non-public ranges. */
const RESERVED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  RESERVED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  RESERVED.addSubnet(net, prefix, 'ipv6');

/** Whether an address is one calls may not reach without a setting that allows it. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return RESERVED.check(bare, 'ipv4');
  if (family !== 6) return true;
  const lower = bare.toLowerCase();
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1, ::10.0.0.1, and the hex forms) is checked as the IPv4 address.
  const mapped = /^(?:0{0,4}:){0,5}(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isIP(mapped[1]!) !== 4 || RESERVED.check(mapped[1]!, 'ipv4');
  const hexMapped = /^(?:0{0,4}:){0,5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1]!, 16);
    const lo = parseInt(hexMapped[2]!, 16);
    return RESERVED.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  return RESERVED.check(bare, 'ipv6');
}

/** A destination the guard refused: the call fails with `refused`, and is not retried. */
export class CallRefusedError extends Error {
  override readonly name = 'CallRefusedError';
  readonly code = 'ERR_CALL_REFUSED';
}

const hostOf = (hostname: string): string => (hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname).toLowerCase();

/** Whether a host's private addresses are allowed by the policy. */
export function privateAllowed(policy: CallPolicy, hostname: string): boolean {
  return policy.allowPrivate || policy.allowedHosts.includes(hostOf(hostname));
}

/** Checks a host written as an address (no lookup happens for those): throws CallRefusedError when refused. */
export function checkLiteral(policy: CallPolicy, hostname: string): void {
  const host = hostOf(hostname);
  if (isIP(host) === 0 || privateAllowed(policy, host)) return;
  if (isPrivateAddress(host)) throw new CallRefusedError(`calls to ${host} are refused: a loopback, private or link-local address (set CALLS_ALLOWED_HOSTS or CALLS_ALLOW_PRIVATE to allow it)`);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type Resolve = (hostname: string, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolve: Resolve = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

/**
 * A `lookup` for net/tls.connect (undici's `connect.lookup`): resolves the host once, checks every address it has,
 * and hands the connection only checked addresses, so no second lookup can return another one (DNS rebinding).
 */
export function guardedLookup(policy: CallPolicy, resolve: Resolve = systemResolve) {
  return (hostname: string, options: { all?: boolean; family?: number | string } | number | undefined, callback: LookupCallback): void => {
    resolve(hostname, (err, addresses) => {
      if (err) return callback(err, []);
      const family = typeof options === 'object' ? Number(options.family ?? 0) || 0 : Number(options ?? 0) || 0;
      const usable = addresses.filter((a) => family === 0 || a.family === family);
      if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      if (!privateAllowed(policy, hostname)) {
        const bad = usable.find((a) => isPrivateAddress(a.address));
        if (bad) return callback(new CallRefusedError(`calls to ${hostOf(hostname)} are refused: it resolves to ${bad.address}, a loopback, private or link-local address (set CALLS_ALLOWED_HOSTS or CALLS_ALLOW_PRIVATE to allow it)`), []);
      }
      if (typeof options === 'object' && options.all) return callback(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}
