/** Small, as a batch may hold many buckets of a few entries (many apps, or a backlog across minutes). */
const INITIAL_CAPACITY = 512;
const NEWLINE = 0x0a;

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

  get byteLength(): number {
    return this.used;
  }

  /** Adds a line of `byteLength` bytes in UTF-8; returns the bytes it adds, separator included. */
  push(line: string, byteLength: number): number {
    const added = this.lines === 0 ? byteLength : byteLength + 1;
    this.reserve(added);
    if (this.lines > 0) this.buffer[this.used++] = NEWLINE;
    this.used += this.buffer.write(line, this.used, 'utf8');
    this.lines++;
    return added;
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
