import { Types } from 'mongoose';
import { ApiError } from '../common/api-error';
import { buildLogFilter, escapeRegex, toLogDto } from './log-query';

describe('buildLogFilter', () => {
  it('filters by app only when no filter is given', () => {
    expect(buildLogFilter('app1', {})).toEqual({ appId: 'app1' });
  });

  it('maps a status class to a response code range', () => {
    expect(buildLogFilter('a', { status: '2xx' }).responseCode).toEqual({ $gte: 200, $lt: 300 });
    expect(buildLogFilter('a', { status: '5xx' }).responseCode).toEqual({ $gte: 500, $lt: 600 });
  });

  it('matches the method case-insensitively by storing and querying upper case', () => {
    expect(buildLogFilter('a', { method: 'post' }).method).toBe('POST');
  });

  it('anchors the path prefix and takes it literally', () => {
    const filter = buildLogFilter('a', { path_prefix: '/v1.0/(a|b)*?+[x]{2}$^\\' });
    const pattern = (filter.path as { $regex: string }).$regex;
    const regex = new RegExp(pattern);
    expect(regex.test('/v1.0/(a|b)*?+[x]{2}$^\\/rest')).toBe(true);
    expect(regex.test('/v1x0/(a|b)*?+[x]{2}$^\\')).toBe(false);
    expect(regex.test('/other/v1.0/(a|b)*?+[x]{2}$^\\')).toBe(false);
    expect(new RegExp(`^${escapeRegex('.*')}`).test('/anything')).toBe(false);
  });

  it('takes from as inclusive and to as exclusive', () => {
    const filter = buildLogFilter('a', {
      from: '2026-01-01T00:00:00Z',
      to: new Date('2026-01-02T00:00:00Z'),
    });
    expect(filter.date).toEqual({
      $gte: new Date('2026-01-01T00:00:00Z'),
      $lt: new Date('2026-01-02T00:00:00Z'),
    });
    expect(() => buildLogFilter('a', { from: 'not a date' })).toThrow(ApiError);
  });

  it('adds the cursor position as (date, _id) strictly older than the last entry seen', () => {
    const position = { date: new Date('2026-01-01T00:00:00Z'), id: new Types.ObjectId() };
    const filter = buildLogFilter('a', { method: 'GET' }, position);
    expect(filter).toEqual({
      appId: 'a',
      method: 'GET',
      $and: [
        {
          $or: [
            { date: { $lt: position.date } },
            { date: position.date, _id: { $lt: position.id } },
          ],
        },
      ],
    });
  });
});

describe('toLogDto', () => {
  it('renames the fields to the API names and dates to ISO 8601', () => {
    expect(
      toLogDto({
        date: new Date('2026-01-01T10:00:00.123Z'),
        appId: 'a',
        method: 'GET',
        path: '/x',
        responseCode: 503,
        totalTimeMs: 1.5,
        requestId: 'r1',
        clientIp: '127.0.0.1',
        nodesTried: [],
        bytesIn: 0,
        bytesOut: 120,
      }),
    ).toEqual({
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
    });
  });

  it('gives the nodes tried and attempts that a stored entry implies', () => {
    const stored = {
      date: new Date('2026-01-01T10:00:00.123Z'),
      appId: 'a',
      method: 'GET',
      path: '/x',
      responseCode: 200,
      totalTimeMs: 1.5,
      requestId: 'r1',
      clientIp: '127.0.0.1',
      bytesIn: 0,
      bytesOut: 120,
    };
    expect(toLogDto({ ...stored, endPoint: 'n1:80', upstreamTimeMs: 1 })).toMatchObject({
      end_point: 'n1:80',
      upstream_time_ms: 1,
      attempts: 1,
      nodes_tried: ['n1:80'],
    });
    expect(
      toLogDto({ ...stored, endPoint: 'n2:80', nodesTried: ['n1:80', 'n2:80'] }),
    ).toMatchObject({ attempts: 2, nodes_tried: ['n1:80', 'n2:80'] });
  });
});
