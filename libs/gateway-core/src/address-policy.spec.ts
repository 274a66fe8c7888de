import { AddressPolicy, type AddressPolicyOptions } from './address-policy';

const LOCAL_ADDRESSES = ['127.0.0.1', '::1', '10.1.2.3', 'fe80::abcd%eth0'];

function policy(opts: Partial<AddressPolicyOptions> = {}): AddressPolicy {
  return new AddressPolicy({
    denyCidrs: [],
    allowCidrs: [],
    selfAddresses: [],
    localAddresses: LOCAL_ADDRESSES,
    ...opts,
  });
}

function reasonOf(result: ReturnType<AddressPolicy['check']>): string | undefined {
  return result.ok ? undefined : result.reason;
}

describe('AddressPolicy', () => {
  it('allows loopback, private and public addresses by default', () => {
    const open = policy();
    for (const address of ['127.0.0.1', '::1', '10.0.0.5', '192.168.1.10', 'fd00::5', '8.8.8.8']) {
      expect(open.check(address, 8080)).toEqual({ ok: true });
    }
  });

  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:ffff:169.254.169.254',
    'fe80::1',
    'FE80::1',
    'febf:ffff::1',
    'fe80::1%eth0',
  ])('always refuses link-local / metadata address %s', (address) => {
    const permissive = policy({ allowCidrs: ['0.0.0.0/0', '::/0'] });
    expect(reasonOf(permissive.check(address, 80))).toMatch(/link-local/);
  });

  it('allows addresses just outside the link-local ranges', () => {
    expect(policy().check('169.255.0.1', 80).ok).toBe(true);
    expect(policy().check('fec0::1', 80).ok).toBe(true);
  });

  it('refuses anything in denyCidrs, including IPv4-mapped IPv6 forms', () => {
    const denying = policy({ denyCidrs: ['10.0.0.0/8', 'fd00::/8'] });
    expect(reasonOf(denying.check('10.9.8.7', 80))).toBe('address is in a denied range');
    expect(reasonOf(denying.check('::ffff:10.9.8.7', 80))).toBe('address is in a denied range');
    expect(reasonOf(denying.check('fd00::1', 80))).toBe('address is in a denied range');
    expect(denying.check('192.168.0.1', 80)).toEqual({ ok: true });
  });

  it('refuses anything outside allowCidrs when the list is not empty', () => {
    const allowing = policy({ allowCidrs: ['192.168.0.0/16'] });
    expect(allowing.check('192.168.7.7', 80)).toEqual({ ok: true });
    expect(allowing.check('::ffff:192.168.7.7', 80)).toEqual({ ok: true });
    expect(reasonOf(allowing.check('10.0.0.1', 80))).toBe('address is outside the allowed ranges');
    expect(reasonOf(allowing.check('::1', 80))).toBe('address is outside the allowed ranges');
  });

  it('lets deny win over allow', () => {
    const both = policy({ allowCidrs: ['10.0.0.0/8'], denyCidrs: ['10.0.0.0/24'] });
    expect(both.check('10.0.1.1', 80).ok).toBe(true);
    expect(reasonOf(both.check('10.0.0.1', 80))).toBe('address is in a denied range');
  });

  it('refuses a specific self listener only on its own address and port', () => {
    const gateway = policy({ selfAddresses: [{ address: '10.1.2.3', port: 3000 }] });
    expect(reasonOf(gateway.check('10.1.2.3', 3000))).toMatch(/own listener/);
    expect(reasonOf(gateway.check('::ffff:10.1.2.3', 3000))).toMatch(/own listener/);
    expect(gateway.check('10.1.2.3', 3001)).toEqual({ ok: true });
    expect(gateway.check('10.1.2.4', 3000)).toEqual({ ok: true });
  });

  it.each(['0.0.0.0', '::'])(
    'treats a %s listener as every local address on that port',
    (wildcard) => {
      const gateway = policy({ selfAddresses: [{ address: wildcard, port: 3000 }] });
      for (const address of [
        '127.0.0.1',
        '127.8.8.8',
        '::1',
        '10.1.2.3',
        'fe80::abcd',
        '0.0.0.0',
        '::',
      ]) {
        expect(gateway.check(address, 3000).ok).toBe(false);
      }
      expect(gateway.check('::ffff:127.0.0.1', 3000).ok).toBe(false);
      expect(gateway.check('127.0.0.1', 3001)).toEqual({ ok: true });
      expect(gateway.check('10.1.2.4', 3000)).toEqual({ ok: true });
    },
  );

  it('reads local addresses from the machine when none are given', () => {
    const gateway = new AddressPolicy({
      denyCidrs: [],
      allowCidrs: [],
      selfAddresses: [{ address: '::', port: 3000 }],
    });
    expect(gateway.check('127.0.0.1', 3000).ok).toBe(false);
  });

  it('refuses non-IP addresses and invalid ports', () => {
    expect(reasonOf(policy().check('example.com', 80))).toBe('address is not an IP literal');
    for (const port of [0, -1, 65536, 80.5, Number.NaN]) {
      expect(reasonOf(policy().check('10.0.0.1', port))).toMatch(/port/);
    }
  });

  it('rejects invalid configuration up front', () => {
    expect(() => policy({ denyCidrs: ['10.0.0.0/40'] })).toThrow('Invalid CIDR "10.0.0.0/40"');
    expect(() => policy({ allowCidrs: ['nope'] })).toThrow('Invalid CIDR "nope"');
    expect(() => policy({ selfAddresses: [{ address: 'localhost', port: 1 }] })).toThrow(
      'Invalid self address "localhost"',
    );
  });
});
