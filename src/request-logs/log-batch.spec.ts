import { brotliDecompressSync } from 'node:zlib';
import { mongo } from 'mongoose';
import { LogBatch } from './log-batch';
import { BROTLI, BUCKET_SPAN_MS } from './schemas/request-log.schema';
import { RequestLogEntry } from './request-log-entry';
import { bucketEntries } from './testing/bucket-entries';
import { logEntry } from './testing/log-entry';

const requestIds = async (batch: LogBatch) =>
  (await batch.documents()).flatMap((doc) => bucketEntries(doc).map((entry) => entry.requestId));

describe('LogBatch', () => {
  it('puts each app’s entries in one bucket, with an _id given once and the range of their dates', async () => {
    const batch = new LogBatch();
    batch.append(logEntry({ requestId: 'a1', date: new Date(2000) }));
    batch.append(logEntry({ appId: 'app2', method: 'POST', responseCode: 503 }));
    batch.append(logEntry({ appId: 'app2', requestId: 'b1', interrupted: 'node_failed' }));
    batch.append(logEntry({ requestId: 'a2', date: new Date(1000) }));
    batch.append(logEntry({ requestId: 'a3', date: new Date(3000) }));
    const docs = await batch.documents();
    expect(batch.count).toBe(5);
    expect(batch.documentCount).toBe(2);
    expect(docs.map((doc) => doc.appId)).toEqual(['app1', 'app2']);
    expect(docs[0]).toMatchObject({ first: new Date(1000), last: new Date(3000) });
    expect(docs[0]).toMatchObject({ statusClasses: [2], methods: ['GET'], interruptions: [] });
    expect(bucketEntries(docs[0]).map((entry) => entry.requestId)).toEqual(['a1', 'a2', 'a3']);
    expect(docs[1]).toMatchObject({
      statusClasses: [5, 2],
      methods: ['POST', 'GET'],
      interruptions: ['node_failed'],
    });
    expect((await batch.documents()).map((doc) => String(doc._id))).toEqual(
      docs.map((doc) => String(doc._id)),
    );
    expect(new Set(docs.map((doc) => String(doc._id))).size).toBe(2);
  });

  it('compresses each bucket once, for documents() called again or meanwhile', async () => {
    const batch = new LogBatch();
    batch.append(logEntry({ requestId: 'a1' }));
    const [first, meanwhile] = await Promise.all([batch.documents(), batch.documents()]);
    const again = await batch.documents();
    expect(meanwhile[0].entries.buffer).toBe(first[0].entries.buffer);
    expect(again[0].entries.buffer).toBe(first[0].entries.buffer);
    expect(bucketEntries(again[0]).map((entry) => entry.requestId)).toEqual(['a1']);
  });

  it('starts another bucket for entries of another span of BUCKET_SPAN_MS', async () => {
    const batch = new LogBatch();
    const minute = Date.UTC(2026, 0, 1, 10, 0);
    for (const ms of [minute - 1, minute, minute + BUCKET_SPAN_MS - 1, minute + BUCKET_SPAN_MS]) {
      batch.append(logEntry({ date: new Date(ms) }));
    }
    const docs = await batch.documents();
    expect(docs.map((doc) => [doc.first.getTime(), doc.last.getTime()])).toEqual([
      [minute - 1, minute - 1],
      [minute, minute + BUCKET_SPAN_MS - 1],
      [minute + BUCKET_SPAN_MS, minute + BUCKET_SPAN_MS],
    ]);
  });

  it('counts the bytes of its documents in BSON before compression, multi-byte characters included', async () => {
    const batch = new LogBatch();
    for (let i = 0; i < 200; i++) {
      batch.append(logEntry({ appId: `app${i % 3}`, path: `/\u65e5\u672c/${'\u8a9e'.repeat(i)}` }));
    }
    const docs = await batch.documents();
    const bson = (doc: object) => mongo.BSON.calculateObjectSize(doc);
    const compressed = docs.reduce((sum, doc) => sum + bson(doc), 0);
    const uncompressed = docs.reduce(
      (sum, doc) =>
        sum +
        bson({ ...doc, entries: new mongo.Binary(brotliDecompressSync(doc.entries.value())) }),
      0,
    );
    expect(batch.byteLength).toBeGreaterThanOrEqual(uncompressed);
    expect(batch.byteLength).toBeLessThan(uncompressed * 1.05);
    expect(compressed).toBeLessThan(uncompressed / 4);
  });

  it('gives back every entry as it was appended, from its entries compressed', async () => {
    const batch = new LogBatch();
    const paths = Array.from({ length: 300 }, (_, i) => `/\u00e9${'\u{1F600}x'.repeat(i)}`);
    paths.forEach((path, i) => batch.append(logEntry({ appId: `app${i % 2}`, path })));
    const docs = await batch.documents();
    expect(docs.map((doc) => doc.compression)).toEqual([BROTLI, BROTLI]);
    const stored = docs.flatMap((doc) => bucketEntries(doc).map((entry) => entry.path));
    expect(stored.sort()).toEqual([...paths].sort());
    expect(await batch.without(new Map([['app1', 1]])).documents()).toEqual([docs[0]]);
  });

  it('gives back the entries of a bucket too large to compress in one call on the event loop', async () => {
    const batch = new LogBatch();
    const paths = Array.from({ length: 200 }, (_, i) => `/${i}/${'long'.repeat(500)}`);
    paths.forEach((path) => batch.append(logEntry({ path })));
    const [doc] = await batch.documents();
    expect(brotliDecompressSync(doc.entries.value()).length).toBeGreaterThan(256 * 1024);
    expect(bucketEntries(doc).map((entry) => entry.path)).toEqual(paths);
  });

  it('keeps nothing of an entry that throws while being read', async () => {
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
    expect(await requestIds(batch)).toEqual(['kept', 'also kept']);
    expect(batch.count).toBe(2);
    expect(batch.rollups.increments()[0].requests).toBe(2);
  });

  it('leaves out the buckets of given apps, keeping the others as they are', async () => {
    const batch = new LogBatch();
    ['a', 'gone', 'b', 'gone'].forEach((appId, i) =>
      batch.append(logEntry({ appId, requestId: `r${i}` })),
    );
    expect(batch.without(new Map())).toBe(batch);
    expect(batch.without(new Map([['other', 1]]))).toBe(batch);
    const kept = batch.without(new Map([['gone', 1]]));
    expect(kept.count).toBe(2);
    expect(kept.byteLength).toBeLessThan(batch.byteLength);
    const before = await batch.documents();
    expect(await kept.documents()).toEqual([before[0], before[2]]);
  });

  it('sums its entries into per-minute rollups, with sane values for fields of the wrong type', () => {
    const batch = new LogBatch();
    batch.append(logEntry({ totalTimeMs: 3 }));
    batch.append(logEntry({ responseCode: 502, totalTimeMs: 40 }));
    batch.append({
      ...logEntry(),
      responseCode: 'x',
      totalTimeMs: 'slow',
    } as unknown as RequestLogEntry);
    const [node] = batch.rollups.increments();
    expect(node).toMatchObject({ appId: 'app1', node: '127.0.0.1:8080', requests: 3, errors: 1 });
    expect(node).toMatchObject({ maxMs: 40, minute: new Date('2026-01-01T10:00:00.000Z') });
    expect(batch.rollups.increments()).toHaveLength(1);
  });
});
