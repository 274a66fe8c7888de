/** What a JSON line of request-log fields may hold. */
export type JsonLineValue = string | number | null | readonly string[];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const DOT = 0x2e;
const ZERO = 0x30;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const FIRST_NON_ASCII = 0x80;
const FIRST_PRINTABLE = 0x20;
/** "-1.7976931348623157e+308" */
const MAX_NUMBER_CHARS = 24;
/** A UTF-16 code unit takes at most 6 bytes in JSON: "\u001f", or an escaped lone surrogate. */
const MAX_BYTES_PER_UNIT = 6;
/** Integers below this (and 2^31) are written with 32-bit arithmetic; larger ones in two parts. */
const SMALL_INTEGER_LIMIT = 1e9;
const LOW_PART = 1e8;
const LOW_PART_DIGITS = 8;
/** Below this, a number with at most two decimals is written as such (doubles are 1e-7 apart there at most). */
const TWO_DECIMALS_LIMIT = 1e9;

/** At most how many bytes writeJsonArray() takes for these values. */
export function jsonArrayBytesBound(values: readonly JsonLineValue[]): number {
  let bytes = 2 + values.length;
  for (const value of values) bytes += valueBytesBound(value);
  return bytes;
}

/**
 * Writes the values as `JSON.stringify(values)` would, in UTF-8, into `target` from `offset`, which must have
 * room for jsonArrayBytesBound(values) bytes; returns the offset after the last byte written. Request-log
 * lines are nearly all ASCII and numbers with two decimals at most: those are written byte by byte, with no
 * string built in between. Anything else goes through JSON.stringify.
 */
export function writeJsonArray(
  target: Buffer,
  offset: number,
  values: readonly JsonLineValue[],
): number {
  let at = offset;
  target[at++] = OPEN;
  for (let i = 0; i < values.length; i++) {
    if (i > 0) target[at++] = COMMA;
    at = writeValue(target, at, values[i]);
  }
  target[at++] = CLOSE;
  return at;
}

function valueBytesBound(value: JsonLineValue): number {
  if (typeof value === 'string') return 2 + value.length * MAX_BYTES_PER_UNIT;
  if (typeof value === 'number' || value === null) return MAX_NUMBER_CHARS;
  return jsonArrayBytesBound(value);
}

function writeValue(target: Buffer, offset: number, value: JsonLineValue): number {
  if (typeof value === 'string') return writeString(target, offset, value);
  if (typeof value === 'number') return writeNumber(target, offset, value);
  if (value === null) return writeAscii(target, offset, 'null');
  return writeJsonArray(target, offset, value);
}

function writeString(target: Buffer, offset: number, value: string): number {
  let at = offset;
  target[at++] = QUOTE;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < FIRST_PRINTABLE || unit === QUOTE || unit === BACKSLASH || unit >= FIRST_NON_ASCII) {
      return offset + target.write(JSON.stringify(value), offset, 'utf8');
    }
    target[at++] = unit;
  }
  target[at++] = QUOTE;
  return at;
}

function writeNumber(target: Buffer, offset: number, value: number): number {
  if (value >= 0 && Number.isSafeInteger(value)) return writeDigits(target, offset, value);
  if (value > 0 && value < TWO_DECIMALS_LIMIT) {
    const hundredths = Math.round(value * 100);
    if (hundredths / 100 === value) return writeHundredths(target, offset, hundredths);
  }
  return writeAscii(target, offset, JSON.stringify(value));
}

/** `hundredths / 100`, which is not a whole number, as JSON writes it: "1.5", "0.25", "3.05". */
function writeHundredths(target: Buffer, offset: number, hundredths: number): number {
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths - whole * 100;
  let at = writeDigits(target, offset, whole);
  target[at++] = DOT;
  const tenths = Math.floor(fraction / 10);
  target[at++] = ZERO + tenths;
  const rest = fraction - tenths * 10;
  if (rest !== 0) target[at++] = ZERO + rest;
  return at;
}

/** A non-negative safe integer, in decimal. */
function writeDigits(target: Buffer, offset: number, value: number): number {
  if (value < SMALL_INTEGER_LIMIT) return writeSmallDigits(target, offset, value);
  const high = Math.floor(value / LOW_PART);
  const at = writeSmallDigits(target, offset, high);
  return writePaddedDigits(target, at, value - high * LOW_PART, LOW_PART_DIGITS);
}

/** A non-negative integer below SMALL_INTEGER_LIMIT, in decimal. */
function writeSmallDigits(target: Buffer, offset: number, value: number): number {
  let digits = 1;
  for (let bound = 10; value >= bound; bound *= 10) digits++;
  return writePaddedDigits(target, offset, value, digits);
}

/** A non-negative integer below 2^31, in `digits` digits, zero-padded. */
function writePaddedDigits(target: Buffer, offset: number, value: number, digits: number): number {
  let rest = value | 0;
  for (let at = offset + digits - 1; at >= offset; at--) {
    const next = (rest / 10) | 0;
    target[at] = ZERO + (rest - next * 10);
    rest = next;
  }
  return offset + digits;
}

function writeAscii(target: Buffer, offset: number, text: string): number {
  let at = offset;
  for (let i = 0; i < text.length; i++) target[at++] = text.charCodeAt(i);
  return at;
}
