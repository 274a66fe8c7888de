import { brotliDecompressSync, inflateRawSync } from 'node:zlib';
import { mongo } from 'mongoose';
import { JsonLineValue } from './json-line';
import { splitLines } from './line-buffer';
import { INTERRUPTIONS, Interruption, RequestLogEntry } from './request-log-entry';
import { BROTLI, DEFLATE_RAW } from './schemas/request-log.schema';

/** A request-log entry as read back from its bucket (see RequestLogBucket): the bucket holds its app. */
export type StoredEntry = Omit<RequestLogEntry, 'appId'>;

/** An entry's stored form, with the values its bucket's summary and the rollups need. */
export interface EncodedEntry {
  /** The line's values: the line is `JSON.stringify(fields)` (see LineBuffer). */
  fields: JsonLineValue[];
  dateMs: number;
  method: string;
  endPoint: string | null;
  responseCode: number;
  totalTimeMs: number;
  interrupted: Interruption | null;
}

/**
 * The stored form of an entry: the JSON array `[date (epoch ms), method, path, endPoint, responseCode,
 * totalTimeMs, upstreamTimeMs, requestId, clientIp, nodesTried, bytesIn, bytesOut, interrupted]`, with
 * `nodesTried` null when it is just `[endPoint]`, and `interrupted` left out when null (as in lines stored
 * before it existed). Fields of the wrong type are stored as sane values. Throws (and returns nothing) when
 * reading the entry throws.
 */
export function encodeEntry(entry: RequestLogEntry): EncodedEntry {
  const dateMs = validDate(entry.date);
  const endPoint = entry.endPoint ? toText(entry.endPoint) : null;
  const method = toText(entry.method);
  const responseCode = finite(entry.responseCode);
  const totalTimeMs = finite(entry.totalTimeMs);
  const nodesTried: unknown = entry.nodesTried;
  const interrupted: unknown = entry.interrupted;
  const fields: JsonLineValue[] = [
    dateMs,
    method,
    toText(entry.path),
    endPoint,
    responseCode,
    totalTimeMs,
    entry.upstreamTimeMs == null ? null : finite(entry.upstreamTimeMs),
    toText(entry.requestId),
    toText(entry.clientIp),
    onlyNode(nodesTried, endPoint) ? null : Array.isArray(nodesTried) ? nodesTried.map(toText) : [],
    finite(entry.bytesIn),
    finite(entry.bytesOut),
  ];
  const reason = isInterruption(interrupted) ? interrupted : null;
  if (reason) fields.push(reason);
  return { fields, dateMs, method, endPoint, responseCode, totalTimeMs, interrupted: reason };
}

/** A stored bucket's `entries` and `compression`, as read from the database. */
export interface StoredEntries {
  entries: unknown;
  compression?: unknown;
}

const DECOMPRESSORS = new Map<unknown, (compressed: Uint8Array) => Buffer>([
  [BROTLI, brotliDecompressSync],
  [DEFLATE_RAW, inflateRawSync],
]);

/**
 * The lines of a bucket's `entries`: the lines of its binary value, decompressed as `compression` says, or
 * the strings of the array that buckets written by earlier builds hold. None for anything else, a value that
 * does not decompress or an unknown `compression` included.
 */
export function storedLines({ entries, compression }: StoredEntries): unknown[] {
  if (!(entries instanceof mongo.Binary)) return Array.isArray(entries) ? entries : [];
  if (compression == null) return splitLines(entries.value());
  const decompress = DECOMPRESSORS.get(compression);
  if (!decompress) return [];
  try {
    return splitLines(decompress(entries.value()));
  } catch {
    return [];
  }
}

/** The entry a line of encodeEntry() holds; undefined for anything else. */
export function decodeEntry(line: unknown): StoredEntry | undefined {
  if (typeof line !== 'string') return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length < 12 || fields.length > 13) return undefined;
  const [
    date,
    method,
    path,
    endPoint,
    code,
    total,
    upstream,
    requestId,
    clientIp,
    tried,
    bytesIn,
    bytesOut,
    interrupted = null,
  ] = fields as unknown[];
  if (
    !isNumber(date) ||
    Number.isNaN(new Date(date).getTime()) ||
    !isString(method) ||
    !isString(path) ||
    !(endPoint === null || isString(endPoint)) ||
    !isNumber(code) ||
    !isNumber(total) ||
    !(upstream === null || isNumber(upstream)) ||
    !isString(requestId) ||
    !isString(clientIp) ||
    !(tried === null || (Array.isArray(tried) && tried.every(isString))) ||
    !isNumber(bytesIn) ||
    !isNumber(bytesOut) ||
    !(interrupted === null || isInterruption(interrupted))
  ) {
    return undefined;
  }
  return {
    date: new Date(date),
    method,
    path,
    endPoint,
    responseCode: code,
    totalTimeMs: total,
    upstreamTimeMs: upstream,
    requestId,
    clientIp,
    nodesTried: tried ?? (endPoint === null ? [] : [endPoint]),
    bytesIn,
    bytesOut,
    interrupted,
  };
}

function onlyNode(nodesTried: unknown, endPoint: string | null): boolean {
  return Array.isArray(nodesTried) && nodesTried.length === 1 && nodesTried[0] === endPoint;
}

/** String(value), without a call for the strings that entries hold. */
export function toText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function validDate(value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : NaN;
  return Number.isNaN(ms) ? Date.now() : ms;
}

function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isInterruption(value: unknown): value is Interruption {
  return (INTERRUPTIONS as readonly unknown[]).includes(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
