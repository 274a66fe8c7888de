import { BufferPool } from './buffer-pool';

describe('BufferPool', () => {
  it('hands out buffers of the next power of two, 512 bytes at least', () => {
    const pool = new BufferPool(1 << 20);
    expect([1, 512, 513, 1024, 70_000].map((bytes) => pool.take(bytes).length)).toEqual([
      512, 512, 1024, 1024, 131_072,
    ]);
  });

  it('hands a buffer given back out again for the same size, and holds it meanwhile', () => {
    const pool = new BufferPool(1 << 20);
    const buffer = pool.take(3000);
    pool.give(buffer);
    expect(pool.pooled).toBe(4096);
    expect(pool.take(1025)).not.toBe(buffer);
    expect(pool.take(2049)).toBe(buffer);
    expect(pool.pooled).toBe(0);
    expect(pool.take(4096)).not.toBe(buffer);
  });

  it('keeps no more than its limit, nor buffers it could not have handed out', () => {
    const pool = new BufferPool(2048);
    const [a, b, c] = [pool.take(1024), pool.take(1024), pool.take(2048)];
    pool.give(a);
    pool.give(b);
    pool.give(c);
    pool.give(Buffer.alloc(600));
    expect(pool.pooled).toBe(2048);
  });
});
