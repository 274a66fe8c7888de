import { BufferPool } from './buffer-pool';
import { jsonArrayBytesBound, JsonLineValue, writeJsonArray } from './json-line';

/** Small, as a batch may hold many buckets of a few entries (many apps, or a backlog across minutes). */
const INITIAL_CAPACITY = 512;
/**
 * Room for every size that the buckets of two batches (one filling, one being sent) grow through, with 1,000
 * entries of about 1 KB each; beyond, buffers given back are left to the garbage collector.
 */
const MAX_POOLED_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/** Where every LineBuffer takes its buffers from and gives them back to. */
const LINE_STORAGE = new BufferPool(MAX_POOLED_BYTES);

/**
 * Lines of JSON, UTF-8 encoded and separated by "\n", in one buffer outside the JavaScript heap that doubles
 * when full. Request-log entries wait here until their batch is written: held as strings, each would outlive
 * a few scavenges, be promoted and then die in the old generation, which costs the forwarding path CPU and
 * grows the heap between major collections. The buffers come from LINE_STORAGE and go back to it when they
 * grow and on release(), for the same reason.
 */
export class LineBuffer {
  private buffer: Buffer | null = LINE_STORAGE.take(INITIAL_CAPACITY);
  private used = 0;
  private lines = 0;

  get count(): number {
    return this.lines;
  }

  /** Adds the line `JSON.stringify(values)`; returns the bytes it added, separator included. */
  push(values: readonly JsonLineValue[]): number {
    const start = this.used;
    const buffer = this.reserve(jsonArrayBytesBound(values) + 1);
    if (this.lines > 0) buffer[this.used++] = NEWLINE;
    this.used = writeJsonArray(buffer, this.used, values);
    this.lines++;
    return this.used - start;
  }

  /** The lines written so far, as a view of the buffer (not a copy), valid until release(). */
  bytes(): Buffer {
    return this.current().subarray(0, this.used);
  }

  /** Gives the buffer back to LINE_STORAGE: the lines are gone, their count stays. */
  release(): void {
    const buffer = this.current();
    this.buffer = null;
    LINE_STORAGE.give(buffer);
  }

  private current(): Buffer {
    if (this.buffer === null) throw new Error('LineBuffer used after release()');
    return this.buffer;
  }

  private reserve(bytes: number): Buffer {
    const buffer = this.current();
    if (this.used + bytes <= buffer.length) return buffer;
    const grown = LINE_STORAGE.take(this.used + bytes);
    buffer.copy(grown, 0, 0, this.used);
    LINE_STORAGE.give(buffer);
    this.buffer = grown;
    return grown;
  }
}

/** The lines of bytes a LineBuffer wrote. */
export function splitLines(bytes: Uint8Array): string[] {
  if (bytes.length === 0) return [];
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').split('\n');
}
