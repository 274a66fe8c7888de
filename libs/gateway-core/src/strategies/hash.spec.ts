import { fmix32, fnv1a32, hashString } from './hash';

describe('hash', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('finalises with murmur3 fmix32', () => {
    expect(fmix32(0)).toBe(0);
    expect(hashString('foobar')).toBe(fmix32(0xbf9cf968));
  });

  it('returns unsigned 32-bit integers', () => {
    for (const text of ['', 'a', 'node-1#0', 'ключ', '🙂']) {
      const hash = hashString(text);
      expect(Number.isInteger(hash)).toBe(true);
      expect(hash).toBeGreaterThanOrEqual(0);
      expect(hash).toBeLessThan(2 ** 32);
    }
  });

  it('spreads sequential keys evenly over the top bits (each of 16 buckets within ±10%)', () => {
    const buckets = new Array<number>(16).fill(0);
    const keys = 32_000;
    for (let i = 0; i < keys; i++) buckets[hashString(`key-${i}`) >>> 28]++;
    for (const count of buckets) {
      expect(Math.abs(count - keys / 16)).toBeLessThanOrEqual((keys / 16) * 0.1);
    }
  });
});
