import type { LookupAddress } from 'node:dns';
import { resolveHost, type LookupAll } from './resolve-host';

function fakeLookup(records: LookupAddress[]): jest.Mock<Promise<LookupAddress[]>> & LookupAll {
  return jest.fn(async () => records);
}

describe('resolveHost', () => {
  it('returns IP literals without a lookup', async () => {
    const lookup = fakeLookup([]);
    await expect(resolveHost('192.0.2.1', lookup)).resolves.toEqual(['192.0.2.1']);
    await expect(resolveHost('2001:db8::1', lookup)).resolves.toEqual(['2001:db8::1']);
    await expect(resolveHost('[2001:db8::1]', lookup)).resolves.toEqual(['2001:db8::1']);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('asks for every address and returns them in order without duplicates', async () => {
    const lookup = fakeLookup([
      { address: '192.0.2.1', family: 4 },
      { address: '2001:db8::1', family: 6 },
      { address: '192.0.2.1', family: 4 },
    ]);
    await expect(resolveHost('api.internal', lookup)).resolves.toEqual([
      '192.0.2.1',
      '2001:db8::1',
    ]);
    expect(lookup).toHaveBeenCalledWith('api.internal', { all: true });
  });

  it('propagates lookup failures', async () => {
    const lookup: LookupAll = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nope.invalid'), { code: 'ENOTFOUND' });
    };
    await expect(resolveHost('nope.invalid', lookup)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('resolves localhost through the system resolver by default', async () => {
    const addresses = await resolveHost('localhost');
    expect(addresses.some((address) => address === '127.0.0.1' || address === '::1')).toBe(true);
  });
});
