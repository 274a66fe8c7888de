import { RequestLogEntry } from './request-log-entry';
import { decodeEntry, encodeEntry } from './stored-entry';
import { logEntry } from './testing/log-entry';

describe('encodeEntry and decodeEntry', () => {
  it('give back the entry, nodesTried included whether or not it was stored', () => {
    const { appId, ...entry } = logEntry({ path: '/caf\u00e9/"quoted"\\' });
    expect(appId).toBe('app1');
    expect(decodeEntry(JSON.stringify(encodeEntry({ appId, ...entry }).fields))).toEqual(entry);
    const retried = logEntry({ nodesTried: ['10.0.0.9:80', '127.0.0.1:8080'] });
    expect(decodeEntry(JSON.stringify(encodeEntry(retried).fields))?.nodesTried).toEqual([
      '10.0.0.9:80',
      '127.0.0.1:8080',
    ]);
    const failed = logEntry({ endPoint: null, upstreamTimeMs: null, nodesTried: ['10.0.0.9:80'] });
    expect(decodeEntry(JSON.stringify(encodeEntry(failed).fields))).toMatchObject({
      endPoint: null,
      upstreamTimeMs: null,
      nodesTried: ['10.0.0.9:80'],
    });
  });

  it('gives back why an answer was cut short, and null for lines stored without it', () => {
    const cut = logEntry({ interrupted: 'node_failed' });
    expect(decodeEntry(JSON.stringify(encodeEntry(cut).fields))?.interrupted).toBe('node_failed');
    const line = JSON.parse(JSON.stringify(encodeEntry(logEntry()).fields)) as unknown[];
    expect(line).toHaveLength(12);
    expect(decodeEntry(JSON.stringify(line))?.interrupted).toBeNull();
  });

  it('leaves out nodesTried when it is just the end point', () => {
    expect(JSON.parse(JSON.stringify(encodeEntry(logEntry()).fields))[9]).toBeNull();
  });

  it('store sane values for fields of the wrong type', () => {
    const malformed = {
      appId: 7,
      date: 'yesterday',
      totalTimeMs: 'slow',
      nodesTried: 'x',
      bytesIn: NaN,
      interrupted: 'later',
    };
    const encoded = encodeEntry(malformed as unknown as RequestLogEntry);
    expect(encoded).toMatchObject({ endPoint: null, responseCode: 0, totalTimeMs: 0 });
    expect(Math.abs(encoded.dateMs - Date.now())).toBeLessThan(1000);
    expect(decodeEntry(JSON.stringify(encoded.fields))).toMatchObject({
      method: 'undefined',
      totalTimeMs: 0,
      nodesTried: [],
      bytesIn: 0,
      interrupted: null,
    });
  });

  it('decodes nothing from what encodeEntry did not write', () => {
    const line = JSON.parse(JSON.stringify(encodeEntry(logEntry()).fields)) as unknown[];
    for (const bad of [
      undefined,
      42,
      'not json',
      '{}',
      JSON.stringify(line.slice(1)),
      JSON.stringify(['x', ...line.slice(1)]),
      JSON.stringify([1e300, ...line.slice(1)]),
      JSON.stringify([...line.slice(0, 9), ['a', 1], ...line.slice(10)]),
      JSON.stringify([...line, 'gone fishing']),
      JSON.stringify([...line, null, null]),
    ]) {
      expect(decodeEntry(bad)).toBeUndefined();
    }
  });
});
