/**
 * A FIFO queue with O(1) push and shift, backed by a circular array that grows by doubling up to `maxSize`.
 * `push` refuses (returns false) once `maxSize` items are held; it never allocates more than twice the
 * largest size actually reached.
 */
export class RingBuffer<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(
    readonly maxSize: number,
    initialCapacity = 1024,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1)
      throw new RangeError('maxSize must be a positive integer');
    this.items = new Array<T | undefined>(Math.min(maxSize, Math.max(1, initialCapacity)));
  }

  get size(): number {
    return this.count;
  }

  push(item: T): boolean {
    if (this.count >= this.maxSize) return false;
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = item;
    this.count++;
    return true;
  }

  /** Removes and returns up to `n` items from the head, oldest first. */
  take(n: number): T[] {
    const taken = Math.min(n, this.count);
    const out = new Array<T>(taken);
    for (let i = 0; i < taken; i++) {
      out[i] = this.items[this.head] as T;
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.items.length;
    }
    this.count -= taken;
    if (this.count === 0) this.head = 0;
    return out;
  }

  private grow(): void {
    const capacity = Math.min(this.maxSize, this.items.length * 2);
    const next = new Array<T | undefined>(capacity);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }
}
