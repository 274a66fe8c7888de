/** Small, as a batch may hold many buckets of a few entries (many apps, or a backlog across minutes). */
const INITIAL_CAPACITY = 512;
const NEWLINE = 0x0a;
/** UTF-8 bytes per UTF-16 code unit, at most (a surrogate pair is 4 bytes for 2 units). */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/**
 * Lines of text, UTF-8 encoded and separated by "\n", in one buffer outside the JavaScript heap that doubles
 * when full. Request-log entries wait here until their batch is written: held as strings, each would outlive
 * a few scavenges, be promoted and then die in the old generation, which costs the forwarding path CPU and
 * grows the heap between major collections. Lines must be non-empty and free of "\n".
 */
export class LineBuffer {
  private buffer = Buffer.allocUnsafeSlow(INITIAL_CAPACITY);
  private used = 0;
  private lines = 0;

  get count(): number {
    return this.lines;
  }

  /** Adds a line; returns the bytes it added, separator included. */
  push(line: string): number {
    const start = this.used;
    this.reserve(line.length * MAX_UTF8_BYTES_PER_UNIT + 1);
    if (this.lines > 0) this.buffer[this.used++] = NEWLINE;
    this.used += this.buffer.write(line, this.used, 'utf8');
    this.lines++;
    return this.used - start;
  }

  /** The lines written so far, as a view of the buffer (not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

/** The lines of bytes a LineBuffer wrote. */
export function splitLines(bytes: Uint8Array): string[] {
  if (bytes.length === 0) return [];
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').split('\n');
}
