import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

export type LookupAll = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

/**
 * Every address `host` resolves to, in resolver order without duplicates. IP literals (IPv6 with
 * or without brackets) are returned as they are without a lookup.
 */
export async function resolveHost(host: string, lookup: LookupAll = dnsLookup): Promise<string[]> {
  const literal = unbracketed(host);
  if (isIP(literal) !== 0) return [literal];
  const records = await lookup(host, { all: true });
  const addresses: string[] = [];
  for (const record of records) {
    if (!addresses.includes(record.address)) addresses.push(record.address);
  }
  return addresses;
}

function unbracketed(host: string): string {
  return host.length > 2 && host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
