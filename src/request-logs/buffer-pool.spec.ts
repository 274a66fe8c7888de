import { BufferPool } from './buffer-pool';

describe('BufferPool', () => {
  it('hands out buffers of the next power of two, 512 bytes at least', () => {
    const pool = new BufferPool(1 << 20);
    expect([1, 512, 513, 1024, 70_000].map((bytes) => pool.take(bytes).length)).toEqual([
      512, 512, 1024, 1024, 131_072,
    ]);
  });

  it('hands a buffer given back out again, once, for a size of its class', () => {
    const pool = new BufferPool(1 << 20);
    const buffer = pool.take(3000);
    pool.give(buffer);
    expect(pool.take(1025)).not.toBe(buffer);
    expect(pool.take(2049)).toBe(buffer);
    expect(pool.take(4096)).not.toBe(buffer);
  });

  it('keeps no more than its limit, nor buffers it could not have handed out', () => {
    const pool = new BufferPool(2048);
    const [a, b, c] = [pool.take(1024), pool.take(1024), pool.take(2048)];
    pool.give(a);
    pool.give(b);
    pool.give(c);
    pool.give(Buffer.alloc(600));
    expect(pool.take(2048)).not.toBe(c);
    const reused = [pool.take(1024), pool.take(1024)];
    expect(reused.filter((buffer) => buffer === a || buffer === b)).toHaveLength(2);
    expect(reused[0]).not.toBe(reused[1]);
    expect(pool.take(600).length).toBe(1024);
  });
});
