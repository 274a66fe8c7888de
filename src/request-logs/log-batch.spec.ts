import { LogBatch } from './log-batch';
import { RequestLogEntry } from './request-log-entry';
import { logEntry } from './testing/log-entry';

describe('LogBatch', () => {
  it('stores the entry with an _id given once, leaving out what is absent or implied', () => {
    const batch = new LogBatch(16);
    const { nodesTried, ...stored } = logEntry();
    batch.append({ ...stored, nodesTried });
    batch.append(logEntry({ requestId: 'req-2', endPoint: null, upstreamTimeMs: null }));
    batch.append(logEntry({ requestId: 'req-3', nodesTried: ['10.0.0.9:80', '127.0.0.1:8080'] }));
    const docs = batch.documents();
    expect(batch.count).toBe(3);
    expect(nodesTried).toEqual([stored.endPoint]);
    expect(docs[0]).toEqual({ _id: docs[0]._id, ...stored });
    expect(docs[1]).not.toHaveProperty('endPoint');
    expect(docs[1]).not.toHaveProperty('upstreamTimeMs');
    expect(docs[1].nodesTried).toEqual(['127.0.0.1:8080']);
    expect(docs[2].nodesTried).toEqual(['10.0.0.9:80', '127.0.0.1:8080']);
    expect(batch.documents().map((doc) => String(doc._id))).toEqual(
      docs.map((doc) => String(doc._id)),
    );
    expect(new Set(docs.map((doc) => String(doc._id))).size).toBe(3);
  });

  it('writes sane values for fields of the wrong type', () => {
    const batch = new LogBatch();
    const malformed = { appId: 7, date: 'yesterday', totalTimeMs: 'slow', nodesTried: 'x' };
    batch.append(malformed as unknown as RequestLogEntry);
    const [doc] = batch.documents();
    expect(doc.date).toBeInstanceOf(Date);
    expect(doc).toMatchObject({ appId: '7', totalTimeMs: 0, nodesTried: [] });
    expect(doc).not.toHaveProperty('endPoint');
  });

  it('keeps nothing of an entry that throws while being read', () => {
    const batch = new LogBatch();
    batch.append(logEntry({ requestId: 'kept' }));
    const throwing = logEntry();
    Object.defineProperty(throwing, 'bytesOut', {
      get() {
        throw new Error('unreadable');
      },
    });
    expect(() => batch.append(throwing)).toThrow('unreadable');
    batch.append(logEntry({ requestId: 'also kept' }));
    expect(batch.documents().map((doc) => doc.requestId)).toEqual(['kept', 'also kept']);
    expect(batch.rollups.increments()[0].requests).toBe(2);
  });

  it('leaves out the entries of given apps, keeping the others byte for byte', () => {
    const batch = new LogBatch();
    ['a', 'gone', 'b', 'gone'].forEach((appId, i) =>
      batch.append(logEntry({ appId, requestId: `r${i}` })),
    );
    expect(batch.without(new Map())).toBe(batch);
    expect(batch.without(new Map([['other', 1]]))).toBe(batch);
    const kept = batch.without(new Map([['gone', 1]]));
    expect(kept.count).toBe(2);
    const before = batch.documents();
    expect(kept.documents()).toEqual([before[0], before[2]]);
  });

  it('sums its entries into per-minute rollups', () => {
    const batch = new LogBatch();
    batch.append(logEntry({ totalTimeMs: 3 }));
    batch.append(logEntry({ responseCode: 502, totalTimeMs: 40 }));
    const overall = batch.rollups.increments().find((i) => i.node === '');
    expect(overall).toMatchObject({ appId: 'app1', requests: 2, errors: 1, maxMs: 40 });
    expect(overall?.minute).toEqual(new Date('2026-01-01T10:00:00.000Z'));
  });
});
