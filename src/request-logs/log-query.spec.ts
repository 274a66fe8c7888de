import { ApiError } from '../common/api-error';
import {
  buildBucketFilter,
  buildEntryFilter,
  comparePositions,
  decodeLogCursor,
  encodeLogCursor,
  LogPosition,
  PlacedEntry,
  RequestLogFilters,
  toLogDto,
} from './log-query';
import { BUCKET_SPAN_MS } from './schemas/request-log.schema';
import { StoredEntry } from './stored-entry';

const BUCKET_A = '65f000000000000000000001';
const BUCKET_B = '65f000000000000000000002';

function stored(overrides: Partial<StoredEntry> = {}): StoredEntry {
  return {
    date: new Date('2026-01-01T10:00:00.123Z'),
    method: 'GET',
    path: '/x',
    endPoint: null,
    responseCode: 503,
    totalTimeMs: 1.5,
    upstreamTimeMs: null,
    requestId: 'r1',
    clientIp: '127.0.0.1',
    nodesTried: [],
    bytesIn: 0,
    bytesOut: 120,
    interrupted: null,
    ...overrides,
  };
}

function placed(
  overrides: Partial<StoredEntry> = {},
  position?: Partial<LogPosition>,
): PlacedEntry {
  const entry = stored(overrides);
  return {
    entry,
    position: { dateMs: entry.date.getTime(), bucket: BUCKET_A, index: 0, ...position },
  };
}

describe('comparePositions', () => {
  it('orders by date, then bucket, then index, newest first', () => {
    const order: LogPosition[] = [
      { dateMs: 2, bucket: BUCKET_A, index: 0 },
      { dateMs: 1, bucket: BUCKET_B, index: 0 },
      { dateMs: 1, bucket: BUCKET_A, index: 5 },
      { dateMs: 1, bucket: BUCKET_A, index: 4 },
    ];
    expect([...order].reverse().sort(comparePositions)).toEqual(order);
    expect(comparePositions(order[1], order[1])).toBe(0);
  });
});

describe('log cursors', () => {
  it('give back the position they were made from', () => {
    const position = { dateMs: 1767261600123, bucket: BUCKET_B, index: 17 };
    expect(decodeLogCursor(encodeLogCursor(position))).toEqual(position);
  });

  it('refuse anything else with 400 "01"', () => {
    const encode = (text: string) => Buffer.from(text).toString('base64url');
    for (const cursor of [
      'garbage',
      encode(`1.${BUCKET_A}`),
      encode(`x.${BUCKET_A}.1`),
      encode(`1.${BUCKET_A.slice(1)}.1`),
      encode(`1.${BUCKET_A}.-1`),
      encode(`1.${BUCKET_A}.1.2`),
      encode(`1e20.${BUCKET_A}.1`),
      encode(`0005.${BUCKET_A}.1`),
      encode(`5.${BUCKET_A}.-0`),
      `${encode(`5.${BUCKET_A}.1`)}!!`,
      '',
    ]) {
      expect(() => decodeLogCursor(cursor)).toThrow(ApiError);
    }
  });
});

describe('buildBucketFilter', () => {
  it('asks for the app’s buckets only when no filter is given', () => {
    expect(buildBucketFilter('app1', {})).toEqual({ appId: 'app1' });
  });

  it('asks for the buckets that overlap the time range and hold entries older than the cursor', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-02T00:00:00Z');
    expect(buildBucketFilter('a', { from: from.toISOString(), to })).toEqual({
      appId: 'a',
      first: { $lt: to },
      last: { $gte: from, $lt: new Date(to.getTime() + BUCKET_SPAN_MS) },
    });
    const cursor = { dateMs: from.getTime() + 5, bucket: BUCKET_A, index: 0 };
    expect(buildBucketFilter('a', { to }, cursor)).toEqual({
      appId: 'a',
      first: { $lt: new Date(cursor.dateMs + 1) },
      last: { $lt: new Date(cursor.dateMs + 1 + BUCKET_SPAN_MS) },
    });
    expect(buildBucketFilter('a', { to: new Date(8.64e15) })).toEqual({
      appId: 'a',
      first: { $lt: new Date(8.64e15) },
      last: { $lt: new Date(8.64e15) },
    });
    expect(() => buildBucketFilter('a', { to: 'not a date' })).toThrow(ApiError);
  });

  it('asks for the buckets with entries of the status class and method asked for', () => {
    expect(buildBucketFilter('a', { status: '5xx', method: 'post' })).toEqual({
      appId: 'a',
      statusClasses: 5,
      methods: 'POST',
    });
  });

  it('asks for the buckets that list an interrupted reason asked for, or list none at all', () => {
    const listing = (reasons: string[]) => ({
      appId: 'a',
      $or: [{ interruptions: { $in: reasons } }, { interruptions: { $exists: false } }],
    });
    expect(buildBucketFilter('a', { interrupted: 'shutdown' })).toEqual(listing(['shutdown']));
    expect(buildBucketFilter('a', { interrupted: 'true' })).toEqual(
      listing(['node_failed', 'node_timeout', 'client_closed', 'shutdown']),
    );
    expect(buildBucketFilter('a', { interrupted: 'false' })).toEqual({ appId: 'a' });
  });
});

describe('buildEntryFilter', () => {
  it('keeps a status class', () => {
    const accepts = buildEntryFilter({ status: '5xx' });
    expect(accepts(placed({ responseCode: 500 }))).toBe(true);
    expect(accepts(placed({ responseCode: 599 }))).toBe(true);
    expect(accepts(placed({ responseCode: 499 }))).toBe(false);
    expect(accepts(placed({ responseCode: 600 }))).toBe(false);
  });

  it('matches the method case-insensitively and the path prefix literally', () => {
    expect(buildEntryFilter({ method: 'post' })(placed({ method: 'POST' }))).toBe(true);
    expect(buildEntryFilter({ method: 'post' })(placed({ method: 'GET' }))).toBe(false);
    const prefix = buildEntryFilter({ path_prefix: '/v1.0/(a|b)*' });
    expect(prefix(placed({ path: '/v1.0/(a|b)*/rest' }))).toBe(true);
    expect(prefix(placed({ path: '/v1x0/(a|b)*' }))).toBe(false);
    expect(prefix(placed({ path: '/other/v1.0/(a|b)*' }))).toBe(false);
  });

  it('keeps interrupted answers of one reason or any, or only the answers that ended normally', () => {
    const cut = placed({ interrupted: 'node_failed' });
    const closed = placed({ interrupted: 'client_closed' });
    const whole = placed();
    const kept = (interrupted: RequestLogFilters['interrupted']) =>
      [cut, closed, whole].filter(buildEntryFilter({ interrupted }));
    expect(kept('node_failed')).toEqual([cut]);
    expect(kept('true')).toEqual([cut, closed]);
    expect(kept('false')).toEqual([whole]);
    expect(kept(undefined)).toEqual([cut, closed, whole]);
  });

  it('takes from as inclusive and to as exclusive', () => {
    const accepts = buildEntryFilter({
      from: '2026-01-01T00:00:00Z',
      to: new Date('2026-01-02T00:00:00Z'),
    });
    expect(accepts(placed({ date: new Date('2026-01-01T00:00:00Z') }))).toBe(true);
    expect(accepts(placed({ date: new Date('2026-01-02T00:00:00Z') }))).toBe(false);
    expect(accepts(placed({ date: new Date('2025-12-31T23:59:59.999Z') }))).toBe(false);
    expect(() => buildEntryFilter({ from: 'not a date' })).toThrow(ApiError);
  });

  it('keeps only entries strictly after the cursor in the newest-first order', () => {
    const cursor = { dateMs: 1000, bucket: BUCKET_A, index: 3 };
    const accepts = buildEntryFilter({}, cursor);
    const at = (position: LogPosition) =>
      accepts(placed({ date: new Date(position.dateMs) }, position));
    expect(at({ dateMs: 999, bucket: BUCKET_B, index: 9 })).toBe(true);
    expect(at({ dateMs: 1000, bucket: BUCKET_A, index: 2 })).toBe(true);
    expect(at(cursor)).toBe(false);
    expect(at({ dateMs: 1000, bucket: BUCKET_B, index: 0 })).toBe(false);
    expect(at({ dateMs: 1001, bucket: BUCKET_A, index: 0 })).toBe(false);
  });
});

describe('toLogDto', () => {
  it('renames the fields to the API names, dates to ISO 8601, and counts the attempts', () => {
    expect(toLogDto(stored())).toEqual({
      date: '2026-01-01T10:00:00.123Z',
      method: 'GET',
      path: '/x',
      end_point: null,
      response_code: 503,
      total_time_ms: 1.5,
      upstream_time_ms: null,
      request_id: 'r1',
      client_ip: '127.0.0.1',
      attempts: 0,
      nodes_tried: [],
      bytes_in: 0,
      bytes_out: 120,
      interrupted: null,
    });
    expect(
      toLogDto(
        stored({
          endPoint: 'n2:80',
          nodesTried: ['n1:80', 'n2:80'],
          interrupted: 'node_timeout',
        }),
      ),
    ).toMatchObject({
      end_point: 'n2:80',
      attempts: 2,
      nodes_tried: ['n1:80', 'n2:80'],
      interrupted: 'node_timeout',
    });
  });
});
