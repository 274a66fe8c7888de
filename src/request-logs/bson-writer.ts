import { randomBytes } from 'node:crypto';

const DOUBLE = 0x01;
const STRING = 0x02;
const ARRAY = 0x04;
const OBJECT_ID = 0x07;
const DATE = 0x09;
const INT32 = 0x10;

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** Identifies this process in the ObjectIds it makes, as the BSON spec's 5 random bytes do. */
const PROCESS_BYTES = randomBytes(5);
let objectIdCounter = randomBytes(3).readUIntBE(0, 3);

/**
 * Appends BSON documents to one growing buffer, field by field, without building objects first.
 * Keys are ASCII constants of the caller; values are written as the MongoDB driver would write them
 * (integers in int32 range as int32, other numbers as double, strings as UTF-8).
 */
export class BsonWriter {
  private buffer: Buffer;
  private offset = 0;
  private readonly openDocuments: number[] = [];

  /** Writes into a new buffer of `initial` bytes, or into `initial` itself (a buffer handed back by detach()). */
  constructor(initial: number | Buffer = 64 * 1024) {
    this.buffer = typeof initial === 'number' ? Buffer.allocUnsafeSlow(initial) : initial;
  }

  /** Hands the buffer over, for another writer to reuse; this writer is left empty. */
  detach(): Buffer {
    const buffer = this.buffer;
    this.buffer = Buffer.alloc(0);
    this.offset = 0;
    this.openDocuments.length = 0;
    return buffer;
  }

  get length(): number {
    return this.offset;
  }

  /** The bytes written so far; a view, valid until the next write. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }

  /** Forgets everything written after `length`, e.g. a document whose encoding failed half-way. */
  truncate(length: number): void {
    this.offset = Math.min(this.offset, length);
    this.openDocuments.length = 0;
  }

  /** Copies raw bytes, e.g. whole documents taken from another writer. */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.offset);
    this.offset += bytes.length;
  }

  startDocument(): void {
    this.reserve(4);
    this.openDocuments.push(this.offset);
    this.offset += 4;
  }

  endDocument(): void {
    const start = this.openDocuments.pop();
    if (start === undefined) throw new Error('endDocument without startDocument');
    this.reserve(1);
    this.buffer[this.offset++] = 0;
    this.buffer.writeInt32LE(this.offset - start, start);
  }

  objectId(key: string): void {
    this.key(OBJECT_ID, key);
    this.reserve(12);
    const buffer = this.buffer;
    const at = this.offset;
    buffer.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, at);
    for (let i = 0; i < 5; i++) buffer[at + 4 + i] = PROCESS_BYTES[i];
    objectIdCounter = (objectIdCounter + 1) & 0xffffff;
    buffer[at + 9] = objectIdCounter >>> 16;
    buffer[at + 10] = (objectIdCounter >>> 8) & 0xff;
    buffer[at + 11] = objectIdCounter & 0xff;
    this.offset = at + 12;
  }

  date(key: string, epochMs: number): void {
    this.key(DATE, key);
    this.reserve(8);
    const ms = Math.trunc(epochMs);
    this.buffer.writeUInt32LE((ms % 0x100000000) >>> 0, this.offset);
    this.buffer.writeInt32LE(Math.floor(ms / 0x100000000), this.offset + 4);
    this.offset += 8;
  }

  number(key: string, value: number): void {
    if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
      this.key(INT32, key);
      this.reserve(4);
      this.buffer.writeInt32LE(value, this.offset);
      this.offset += 4;
      return;
    }
    this.key(DOUBLE, key);
    this.reserve(8);
    this.buffer.writeDoubleLE(value, this.offset);
    this.offset += 8;
  }

  string(key: string, value: string): void {
    this.key(STRING, key);
    this.reserve(4 + value.length * 3 + 1);
    const start = this.offset;
    let at = start + 4;
    const buffer = this.buffer;
    let ascii = true;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) {
        ascii = false;
        break;
      }
      buffer[at++] = code;
    }
    if (!ascii) at = start + 4 + buffer.write(value, start + 4, 'utf8');
    buffer[at++] = 0;
    buffer.writeInt32LE(at - start - 4, start);
    this.offset = at;
  }

  stringArray(key: string, values: readonly string[]): void {
    this.key(ARRAY, key);
    this.startDocument();
    for (let i = 0; i < values.length; i++) this.string(String(i), values[i]);
    this.endDocument();
  }

  private key(type: number, key: string): void {
    this.reserve(key.length + 2);
    const buffer = this.buffer;
    let at = this.offset;
    buffer[at++] = type;
    for (let i = 0; i < key.length; i++) buffer[at++] = key.charCodeAt(i);
    buffer[at++] = 0;
    this.offset = at;
  }

  private reserve(bytes: number): void {
    const needed = this.offset + bytes;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}
