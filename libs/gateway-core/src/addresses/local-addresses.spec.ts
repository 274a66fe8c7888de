import { isIP } from 'node:net';
import { localInterfaceAddresses, withoutZone } from './local-addresses';

describe('local addresses', () => {
  it('lists IP literals of this machine, including loopback', () => {
    const addresses = localInterfaceAddresses();
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(isIP(address)).not.toBe(0);
    expect(addresses).toContain('127.0.0.1');
  });

  it('strips IPv6 zone suffixes', () => {
    expect(withoutZone('fe80::1%eth0')).toBe('fe80::1');
    expect(withoutZone('10.0.0.1')).toBe('10.0.0.1');
  });
});
