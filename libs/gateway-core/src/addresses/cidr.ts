import { BlockList, isIP } from 'node:net';

export type IpFamily = 'ipv4' | 'ipv6';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: IpFamily;
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

export function ipFamilyOf(address: string): IpFamily | undefined {
  const version = isIP(address);
  if (version === 4) return 'ipv4';
  if (version === 6) return 'ipv6';
  return undefined;
}

/** Parses `address/prefix`; a bare address means a single host (/32 or /128). */
export function parseCidr(entry: string): Cidr {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = ipFamilyOf(address);
  if (family === undefined || address.includes('%')) {
    throw new Error(`Invalid CIDR "${entry}": "${address}" is not an IPv4 or IPv6 address`);
  }
  const maxPrefix = family === 'ipv4' ? 32 : 128;
  if (slash === -1) return { address, prefix: maxPrefix, family };
  const prefix = parsePrefix(entry.slice(slash + 1));
  if (prefix === undefined || prefix > maxPrefix) {
    throw new Error(
      `Invalid CIDR "${entry}": prefix length must be an integer from 0 to ${maxPrefix}`,
    );
  }
  return { address, prefix, family };
}

/** Validates a comma-separated CIDR list and returns its entries as `address/prefix`. */
export function parseCidrList(text: string | undefined): string[] {
  if (text === undefined) return [];
  const result: string[] = [];
  for (const rawEntry of text.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') continue;
    const cidr = parseCidr(entry);
    result.push(`${cidr.address}/${cidr.prefix}`);
  }
  return result;
}

export function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const cidr = parseCidr(entry.trim());
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return list;
}

function parsePrefix(text: string): number | undefined {
  if (text.length === 0 || text.length > 3) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < DIGIT_0 || code > DIGIT_9) return undefined;
    value = value * 10 + (code - DIGIT_0);
  }
  return value;
}
