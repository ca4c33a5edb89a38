import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { CallRefusedError, guardedLookup, isPrivateAddress } from '../../../../runtime/agenda/index.js';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    '[::1]',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8'])('lets %s through', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

type Result = { err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function lookupWith(addresses: Record<string, LookupAddress[]>, policy = { allowPrivate: false, allowedHosts: [] as string[] }) {
  const lookup = guardedLookup(policy, (host, cb) => cb(null, addresses[host] ?? []));
  return (host: string, options: { all?: boolean; family?: number }): Promise<Result> =>
    new Promise((resolve) => lookup(host, options, (err, address, family) => resolve({ err, address, family })));
}

describe('guardedLookup', () => {
  const addresses = {
    'api.example': [{ address: '93.184.216.34', family: 4 }],
    'mixed.example': [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ],
    'local.example': [{ address: '127.0.0.1', family: 4 }],
  };

  it('hands the connection the addresses it checked', async () => {
    const lookup = lookupWith(addresses);
    expect(await lookup('api.example', { all: true })).toMatchObject({ err: null, address: [{ address: '93.184.216.34', family: 4 }] });
    expect(await lookup('api.example', {})).toMatchObject({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('refuses a host when any of its addresses is private', async () => {
    const lookup = lookupWith(addresses);
    expect((await lookup('mixed.example', { all: true })).err).toBeInstanceOf(CallRefusedError);
    expect((await lookup('local.example', {})).err).toBeInstanceOf(CallRefusedError);
  });

  it('lets a host of CALLS_ALLOWED_HOSTS, or any host with CALLS_ALLOW_PRIVATE, reach private addresses', async () => {
    expect((await lookupWith(addresses, { allowPrivate: false, allowedHosts: ['local.example'] })('local.example', {})).err).toBeNull();
    expect((await lookupWith(addresses, { allowPrivate: false, allowedHosts: ['local.example'] })('mixed.example', {})).err).toBeInstanceOf(CallRefusedError);
    expect((await lookupWith(addresses, { allowPrivate: true, allowedHosts: [] })('mixed.example', {})).err).toBeNull();
  });
});
