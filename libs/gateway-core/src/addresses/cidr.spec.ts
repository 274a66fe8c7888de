import { blockListOf, ipFamilyOf, parseCidr, parseCidrList } from './cidr';

describe('ipFamilyOf', () => {
  it('recognises IPv4 and IPv6 literals only', () => {
    expect(ipFamilyOf('10.0.0.1')).toBe('ipv4');
    expect(ipFamilyOf('::ffff:10.0.0.1')).toBe('ipv6');
    expect(ipFamilyOf('example.com')).toBeUndefined();
    expect(ipFamilyOf('010.0.0.1')).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('parses IPv4 and IPv6 CIDRs', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseCidr('0.0.0.0/0')).toEqual({ address: '0.0.0.0', prefix: 0, family: 'ipv4' });
  });

  it('treats a bare address as a single host', () => {
    expect(parseCidr('192.0.2.7').prefix).toBe(32);
    expect(parseCidr('2001:db8::1').prefix).toBe(128);
  });

  it.each([
    ['10.0.0.0/33', 'prefix length must be an integer from 0 to 32'],
    ['fd00::/129', 'prefix length must be an integer from 0 to 128'],
    ['10.0.0.0/', 'prefix length'],
    ['10.0.0.0/8a', 'prefix length'],
    ['10.0.0.0/-1', 'prefix length'],
    ['10.0.0.0/+8', 'prefix length'],
    ['10.0.0.0/0008', 'prefix length'],
    ['300.0.0.0/8', 'is not an IPv4 or IPv6 address'],
    ['example.com/24', 'is not an IPv4 or IPv6 address'],
    ['fe80::1%eth0/64', 'is not an IPv4 or IPv6 address'],
  ])('rejects %s', (entry, message) => {
    expect(() => parseCidr(entry)).toThrow(`Invalid CIDR "${entry}"`);
    expect(() => parseCidr(entry)).toThrow(message);
  });
});

describe('parseCidrList', () => {
  it('returns an empty list for missing or blank input', () => {
    expect(parseCidrList(undefined)).toEqual([]);
    expect(parseCidrList('')).toEqual([]);
    expect(parseCidrList(' , ')).toEqual([]);
  });

  it('trims entries and normalises bare addresses to host CIDRs', () => {
    expect(parseCidrList(' 10.0.0.0/8, fd00::/8 ,192.0.2.1,')).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.1/32',
    ]);
  });

  it('throws an error naming the bad entry', () => {
    expect(() => parseCidrList('10.0.0.0/8, 10.0.0.0/99, fd00::/8')).toThrow(
      'Invalid CIDR "10.0.0.0/99"',
    );
    expect(() => parseCidrList('10.0.0.0/8;192.168.0.0/16')).toThrow(
      'Invalid CIDR "10.0.0.0/8;192.168.0.0/16"',
    );
  });
});

describe('blockListOf', () => {
  it('matches addresses inside the listed ranges, including IPv4-mapped forms', () => {
    const list = blockListOf(['10.0.0.0/8', 'fd00::/8']);
    expect(list.check('10.200.0.1', 'ipv4')).toBe(true);
    expect(list.check('::ffff:10.200.0.1', 'ipv6')).toBe(true);
    expect(list.check('fd12::1', 'ipv6')).toBe(true);
    expect(list.check('11.0.0.1', 'ipv4')).toBe(false);
  });
});
