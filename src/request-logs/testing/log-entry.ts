import type { RequestLogEntry } from '../request-log-entry';

/** A finished request as the proxy would hand it over, with any field replaced. */
export function logEntry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    date: new Date('2026-01-01T10:00:00.000Z'),
    appId: 'app1',
    method: 'GET',
    path: '/items',
    endPoint: '127.0.0.1:8080',
    responseCode: 200,
    totalTimeMs: 4.5,
    upstreamTimeMs: 3,
    requestId: 'req-1',
    clientIp: '127.0.0.1',
    nodesTried: ['127.0.0.1:8080'],
    bytesIn: 0,
    bytesOut: 10,
    interrupted: null,
    ...overrides,
  };
}
