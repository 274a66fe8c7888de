import { ApiError } from '../common/api-error';
import { RequestLogDto } from './dto/request-log.dto';
import { InterruptedFilter, StatusClass } from './dto/request-logs-query.dto';
import { INTERRUPTIONS, Interruption } from './request-log-entry';
import { BUCKET_SPAN_MS } from './schemas/request-log.schema';
import { StoredEntry } from './stored-entry';

/** The largest epoch milliseconds a Date can hold. */
const MAX_DATE_MS = 8.64e15;

/** The filters of a log page; RequestLogsQueryDto satisfies it. */
export interface RequestLogFilters {
  status?: StatusClass;
  method?: string;
  path_prefix?: string;
  interrupted?: InterruptedFilter;
  from?: string | Date;
  to?: string | Date;
}

/**
 * Where an entry stands in the newest-first order of an app's log: its date, then its bucket's `_id`, then its
 * index in the bucket, all descending. Total, and fixed once the entry is stored.
 */
export interface LogPosition {
  dateMs: number;
  bucket: string;
  index: number;
}

/** A stored entry with its position. */
export interface PlacedEntry {
  entry: StoredEntry;
  position: LogPosition;
}

/** Negative when `a` comes first (is newer), positive when `b` does. */
export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.dateMs !== b.dateMs) return b.dateMs - a.dateMs;
  if (a.bucket !== b.bucket) return a.bucket < b.bucket ? 1 : -1;
  return b.index - a.index;
}

export function encodeLogCursor(position: LogPosition): string {
  return Buffer.from(`${position.dateMs}.${position.bucket}.${position.index}`).toString(
    'base64url',
  );
}

/** Throws ApiError 400 "01" for a cursor encodeLogCursor() did not return. */
export function decodeLogCursor(cursor: string): LogPosition {
  const [millis, bucket = '', index] = Buffer.from(cursor, 'base64url').toString().split('.');
  const position = { dateMs: Number(millis), bucket, index: Number(index) };
  const valid =
    !Number.isNaN(new Date(position.dateMs).getTime()) &&
    /^[0-9a-f]{24}$/.test(bucket) &&
    Number.isSafeInteger(position.index) &&
    position.index >= 0 &&
    encodeLogCursor(position) === cursor; // canonical: nothing added, nothing left out
  if (!valid) throw ApiError.badPayload('cursor is not a cursor this API returned');
  return position;
}

/**
 * The MongoDB filter of the buckets that can hold entries of a page: the app's, overlapping the time range,
 * with entries of the status class, method and interrupted reasons asked for (buckets from builds that did not
 * list their reasons may hold any), and not all newer than the cursor. Bounds on `first` are repeated on
 * `last`, widened by BUCKET_SPAN_MS, for the index to use.
 */
export function buildBucketFilter(
  appId: string,
  filters: RequestLogFilters,
  after?: LogPosition,
): Record<string, unknown> {
  const filter: Record<string, unknown> = { appId };
  const bounds = [
    ...(filters.to === undefined ? [] : [toDate(filters.to, 'to').getTime()]),
    ...(after ? [after.dateMs + 1] : []),
  ];
  const first: Record<string, Date> = {};
  const last: Record<string, Date> = {};
  if (bounds.length > 0) {
    const before = Math.min(...bounds, MAX_DATE_MS);
    first.$lt = new Date(before);
    last.$lt = new Date(Math.min(before + BUCKET_SPAN_MS, MAX_DATE_MS));
  }
  if (filters.from !== undefined) last.$gte = toDate(filters.from, 'from');
  if (filters.status) filter.statusClasses = Number(filters.status[0]);
  if (filters.method) filter.methods = filters.method.toUpperCase();
  const reasons = interruptionsOf(filters.interrupted);
  if (reasons) {
    filter.$or = [{ interruptions: { $in: reasons } }, { interruptions: { $exists: false } }];
  }
  if (Object.keys(first).length > 0) filter.first = first;
  if (Object.keys(last).length > 0) filter.last = last;
  return filter;
}

/** Whether an entry passes the page's filters and comes after the cursor. Throws ApiError 400 for bad dates. */
export function buildEntryFilter(
  filters: RequestLogFilters,
  after?: LogPosition,
): (placed: PlacedEntry) => boolean {
  const hundreds = filters.status ? Number(filters.status[0]) * 100 : undefined;
  const method = filters.method?.toUpperCase();
  const prefix = filters.path_prefix;
  const reasons = interruptionsOf(filters.interrupted);
  const normalOnly = filters.interrupted === 'false';
  const from = filters.from === undefined ? undefined : toDate(filters.from, 'from').getTime();
  const to = filters.to === undefined ? undefined : toDate(filters.to, 'to').getTime();
  return ({ entry, position }) =>
    (hundreds === undefined ||
      (entry.responseCode >= hundreds && entry.responseCode < hundreds + 100)) &&
    (method === undefined || entry.method === method) &&
    (!prefix || entry.path.startsWith(prefix)) &&
    (reasons === undefined ||
      (entry.interrupted !== null && reasons.includes(entry.interrupted))) &&
    (!normalOnly || entry.interrupted === null) &&
    (from === undefined || position.dateMs >= from) &&
    (to === undefined || position.dateMs < to) &&
    (after === undefined || comparePositions(position, after) > 0);
}

/** The reasons an `interrupted` filter lets through, when it asks for interrupted answers. */
function interruptionsOf(
  filter: InterruptedFilter | undefined,
): readonly Interruption[] | undefined {
  if (filter === undefined || filter === 'false') return undefined;
  return filter === 'true' ? INTERRUPTIONS : [filter];
}

function toDate(value: string | Date, field: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw ApiError.badPayload(`${field} must be an ISO 8601 date-time`);
  return date;
}

export function toLogDto(entry: StoredEntry): RequestLogDto {
  return {
    date: entry.date.toISOString(),
    method: entry.method,
    path: entry.path,
    end_point: entry.endPoint,
    response_code: entry.responseCode,
    total_time_ms: entry.totalTimeMs,
    upstream_time_ms: entry.upstreamTimeMs,
    request_id: entry.requestId,
    client_ip: entry.clientIp,
    attempts: entry.nodesTried.length,
    nodes_tried: entry.nodesTried,
    bytes_in: entry.bytesIn,
    bytes_out: entry.bytesOut,
    interrupted: entry.interrupted,
  };
}
