import { BlockList } from 'node:net';
import { blockListOf, ipFamilyOf, parseCidr } from './addresses/cidr';
import { localInterfaceAddresses, withoutZone } from './addresses/local-addresses';

export { parseCidrList } from './addresses/cidr';
export { resolveHost } from './addresses/resolve-host';
export type { LookupAll } from './addresses/resolve-host';

export interface ListenAddress {
  address: string;
  port: number;
}

export interface AddressPolicyOptions {
  denyCidrs: string[];
  allowCidrs: string[];
  /** The gateway's own listeners; `0.0.0.0` or `::` stands for every local address. */
  selfAddresses: ListenAddress[];
  /** This machine's interface addresses; read from os.networkInterfaces() when omitted. */
  localAddresses?: readonly string[];
}

export type AddressCheck = { ok: true } | { ok: false; reason: string };

/** Link-local, which includes the cloud metadata endpoint 169.254.169.254; never a node. */
const ALWAYS_DENIED_CIDRS = ['169.254.0.0/16', 'fe80::/10'];
const LOOPBACK_CIDRS = ['127.0.0.0/8', '::1/128'];
const UNSPECIFIED_CIDRS = ['0.0.0.0/32', '::/128'];
const WILDCARD_ADDRESSES: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);

const ALLOWED: AddressCheck = Object.freeze({ ok: true });
const NOT_AN_IP: AddressCheck = refusal('address is not an IP literal');
const BAD_PORT: AddressCheck = refusal('port must be an integer from 1 to 65535');
const LINK_LOCAL: AddressCheck = refusal(
  'link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10) are never allowed',
);
const DENIED: AddressCheck = refusal('address is in a denied range');
const NOT_ALLOWED: AddressCheck = refusal('address is outside the allowed ranges');
const SELF: AddressCheck = refusal("address and port are the gateway's own listener");

const alwaysDenied = blockListOf(ALWAYS_DENIED_CIDRS);

/**
 * Decides whether a node address may receive proxied traffic. Loopback and private ranges are
 * allowed unless configured otherwise. IPv4 rules also match IPv4-mapped IPv6 forms.
 */
export class AddressPolicy {
  private readonly deny: BlockList;
  private readonly allow: BlockList | undefined;
  private readonly selfByPort = new Map<number, BlockList>();

  constructor(opts: AddressPolicyOptions) {
    this.deny = blockListOf(opts.denyCidrs);
    this.allow = opts.allowCidrs.length > 0 ? blockListOf(opts.allowCidrs) : undefined;
    for (const listener of opts.selfAddresses) {
      this.addSelf(listener, opts.localAddresses);
    }
  }

  check(address: string, port: number): AddressCheck {
    const family = ipFamilyOf(address);
    if (family === undefined) return NOT_AN_IP;
    if (!Number.isInteger(port) || port < 1 || port > 65535) return BAD_PORT;
    if (alwaysDenied.check(address, family)) return LINK_LOCAL;
    if (this.deny.check(address, family)) return DENIED;
    if (this.allow !== undefined && !this.allow.check(address, family)) return NOT_ALLOWED;
    if (this.selfByPort.get(port)?.check(address, family) === true) return SELF;
    return ALLOWED;
  }

  private addSelf(listener: ListenAddress, localAddresses: readonly string[] | undefined): void {
    let list = this.selfByPort.get(listener.port);
    if (list === undefined) {
      list = new BlockList();
      for (const cidr of UNSPECIFIED_CIDRS) addCidr(list, cidr);
      this.selfByPort.set(listener.port, list);
    }
    const address = withoutZone(listener.address);
    if (!WILDCARD_ADDRESSES.has(address)) {
      if (ipFamilyOf(address) === undefined) {
        throw new Error(`Invalid self address "${listener.address}": expected an IP literal`);
      }
      addCidr(list, address);
      return;
    }
    for (const cidr of LOOPBACK_CIDRS) addCidr(list, cidr);
    for (const local of localAddresses ?? localInterfaceAddresses())
      addCidr(list, withoutZone(local));
  }
}

function addCidr(list: BlockList, entry: string): void {
  const cidr = parseCidr(entry);
  list.addSubnet(cidr.address, cidr.prefix, cidr.family);
}

function refusal(reason: string): AddressCheck {
  return Object.freeze({ ok: false, reason });
}
