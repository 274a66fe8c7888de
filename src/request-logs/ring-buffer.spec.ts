import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps FIFO order across growth and wrap-around', () => {
    const buffer = new RingBuffer<number>(1000, 2);
    const seen: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 7; i++) buffer.push(next++);
      seen.push(...buffer.take(5));
    }
    seen.push(...buffer.take(1000));
    expect(seen).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(buffer.size).toBe(0);
  });

  it('refuses items past maxSize', () => {
    const buffer = new RingBuffer<string>(3, 1);
    expect(['a', 'b', 'c', 'd'].map((item) => buffer.push(item))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(buffer.size).toBe(3);
    expect(buffer.take(10)).toEqual(['a', 'b', 'c']);
    expect(buffer.push('e')).toBe(true);
  });

  it('rejects a non-positive maximum', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
