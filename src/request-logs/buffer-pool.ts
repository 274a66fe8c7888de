/** The smallest buffer handed out. */
const MIN_SIZE = 512;

/**
 * Buffers outside the JavaScript heap, in power-of-two sizes, kept for reuse once given back, up to
 * `maxPooledBytes` in all. A buffer that lives through two scavenges is promoted with its memory, which then
 * waits for a major collection: reused instead, it is never garbage.
 */
export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private pooledBytes = 0;

  constructor(readonly maxPooledBytes: number) {}

  /** A buffer of at least `minBytes` (a power of two), with whatever bytes it held before. */
  take(minBytes: number): Buffer {
    const size = sizeFor(minBytes);
    const reused = this.free.get(size)?.pop();
    if (reused === undefined) return Buffer.allocUnsafeSlow(size);
    this.pooledBytes -= size;
    return reused;
  }

  /** Takes back a buffer of take(); kept when the pool has room for it, else left to the collector. */
  give(buffer: Buffer): void {
    const size = buffer.length;
    if (size !== sizeFor(size) || this.pooledBytes + size > this.maxPooledBytes) return;
    let list = this.free.get(size);
    if (list === undefined) {
      list = [];
      this.free.set(size, list);
    }
    list.push(buffer);
    this.pooledBytes += size;
  }
}

function sizeFor(bytes: number): number {
  return bytes <= MIN_SIZE ? MIN_SIZE : 2 ** Math.ceil(Math.log2(bytes));
}
