import { ApiError } from '../common/api-error';
import { CursorPosition, olderThan } from '../common/cursor';
import { RequestLogDto } from './dto/request-log.dto';
import { StatusClass } from './dto/request-logs-query.dto';
import { RequestLog } from './schemas/request-log.schema';

/** The filters of a log page; RequestLogsQueryDto satisfies it. */
export interface RequestLogFilters {
  status?: StatusClass;
  method?: string;
  path_prefix?: string;
  from?: string | Date;
  to?: string | Date;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The MongoDB filter of a page: one app, the optional filters, and the cursor position. */
export function buildLogFilter(
  appId: string,
  filters: RequestLogFilters,
  after?: CursorPosition,
): Record<string, unknown> {
  const filter: Record<string, unknown> = { appId };
  if (filters.status) {
    const hundreds = Number(filters.status[0]) * 100;
    filter.responseCode = { $gte: hundreds, $lt: hundreds + 100 };
  }
  if (filters.method) filter.method = filters.method.toUpperCase();
  if (filters.path_prefix) filter.path = { $regex: `^${escapeRegex(filters.path_prefix)}` };
  const date: Record<string, Date> = {};
  if (filters.from !== undefined) date.$gte = toDate(filters.from, 'from');
  if (filters.to !== undefined) date.$lt = toDate(filters.to, 'to');
  if (Object.keys(date).length > 0) filter.date = date;
  if (after) filter.$and = [olderThan(after)];
  return filter;
}

function toDate(value: string | Date, field: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw ApiError.badPayload(`${field} must be an ISO 8601 date-time`);
  return date;
}

export function toLogDto(doc: Omit<RequestLog, '_id'>): RequestLogDto {
  const nodesTried = doc.nodesTried ?? (doc.endPoint ? [doc.endPoint] : []);
  return {
    date: doc.date.toISOString(),
    method: doc.method,
    path: doc.path,
    end_point: doc.endPoint ?? null,
    response_code: doc.responseCode,
    total_time_ms: doc.totalTimeMs,
    upstream_time_ms: doc.upstreamTimeMs ?? null,
    request_id: doc.requestId,
    client_ip: doc.clientIp,
    attempts: nodesTried.length,
    nodes_tried: nodesTried,
    bytes_in: doc.bytesIn,
    bytes_out: doc.bytesOut,
  };
}
