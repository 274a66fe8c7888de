import { networkInterfaces } from 'node:os';

/** Every address assigned to this machine's interfaces, without IPv6 zone suffixes. */
export function localInterfaceAddresses(): string[] {
  const addresses: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) addresses.push(withoutZone(entry.address));
  }
  return addresses;
}

export function withoutZone(address: string): string {
  const percent = address.indexOf('%');
  return percent === -1 ? address : address.slice(0, percent);
}
