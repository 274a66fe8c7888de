import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppStatsQueryDto } from './app-stats.dto';
import { RequestLogsQueryDto } from './request-logs-query.dto';

// As the global ContractValidationPipe does it: no implicit conversion, query values arrive as strings.
function check<T extends object>(type: new () => T, query: Record<string, unknown>) {
  const dto = plainToInstance(type, query);
  const errors = validateSync(dto, { whitelist: true });
  return { dto, fields: errors.map((e) => e.property) };
}

describe('RequestLogsQueryDto', () => {
  it('defaults limit to 100 and converts it from the query string', () => {
    expect(check(RequestLogsQueryDto, {}).dto.limit).toBe(100);
    const { dto, fields } = check(RequestLogsQueryDto, { limit: '250' });
    expect(fields).toEqual([]);
    expect(dto.limit).toBe(250);
  });

  it.each([['0'], ['1001'], ['abc'], ['2.5'], [''], ['1e2'], ['0x3'], [' 1'], ['+5']])(
    'refuses limit=%s',
    (limit) => {
      expect(check(RequestLogsQueryDto, { limit }).fields).toEqual(['limit']);
    },
  );

  it('accepts every filter together', () => {
    const { fields } = check(RequestLogsQueryDto, {
      cursor: 'abc',
      status: '4xx',
      method: 'delete',
      path_prefix: '/v1/(x)',
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-01T01:00:00.000+01:00',
    });
    expect(fields).toEqual([]);
  });

  it.each([
    [{ status: '6xx' }, 'status'],
    [{ status: ['2xx', '5xx'] }, 'status'],
    [{ method: 'GET /' }, 'method'],
    [{ path_prefix: 'items' }, 'path_prefix'],
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-13-01T00:00:00Z' }, 'to'],
  ])('refuses %j', (query, field) => {
    expect(check(RequestLogsQueryDto, query).fields).toEqual([field]);
  });
});

describe('AppStatsQueryDto', () => {
  it('defaults to the last hour and accepts the three windows only', () => {
    expect(check(AppStatsQueryDto, {}).dto.window).toBe('1h');
    for (const window of ['5m', '1h', '1d'])
      expect(check(AppStatsQueryDto, { window }).fields).toEqual([]);
    expect(check(AppStatsQueryDto, { window: '2h' }).fields).toEqual(['window']);
  });
});
