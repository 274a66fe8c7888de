import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** The client's address, and whether the X-Forwarded-* fields of the request may be believed (TRUSTED_PROXIES). */
export class ClientIpResolver {
  private readonly trusted = new BlockList();
  private readonly hasTrusted: boolean;

  constructor(trustedProxies: readonly string[]) {
    for (const cidr of trustedProxies) {
      const [address, prefix] = cidr.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      this.trusted.addSubnet(address, Number(prefix ?? (family === 'ipv6' ? 128 : 32)), family);
    }
    this.hasTrusted = trustedProxies.length > 0;
  }

  /** True when the request came straight from one of TRUSTED_PROXIES, whose X-Forwarded-* fields then count. */
  fromTrustedProxy(req: IncomingMessage): boolean {
    return this.hasTrusted && this.isTrusted(peerAddress(req));
  }

  resolve(req: IncomingMessage): string {
    const peer = peerAddress(req);
    if (!this.hasTrusted || !this.isTrusted(peer)) return peer;
    const forwarded = req.headers['x-forwarded-for'];
    if (typeof forwarded !== 'string') return peer;
    const hops = forwarded.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalize(hops[i].trim());
      if (!isIP(hop)) return peer;
      if (!this.isTrusted(hop)) return hop;
    }
    return peer;
  }

  private isTrusted(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** The address the request's connection comes from, IPv4-mapped IPv6 written as IPv4. */
export function peerAddress(req: IncomingMessage): string {
  return normalize(req.socket.remoteAddress ?? '');
}

/**
 * What limits per client count a client as: its IPv4 address, or the /64 its IPv6 address is in, since one
 * host or customer usually holds a whole /64 and could otherwise rotate through it.
 */
export function clientKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head, tail] = address.split('%')[0].split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const tailWidth = tailGroups.reduce((width, group) => width + (group.includes('.') ? 2 : 1), 0);
  const groups =
    tail === undefined
      ? headGroups
      : [
          ...headGroups,
          ...new Array<string>(8 - headGroups.length - tailWidth).fill('0'),
          ...tailGroups,
        ];
  const prefix = groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16));
  return `${prefix.join(':')}::/64`;
}

function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
