import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, Model, mongo, Types } from 'mongoose';
import { defaultFerretdbBinary } from '../src/config/app-config';
import { EmbeddedServer, startEmbeddedServer } from '../src/database/embedded-server';
import { bucketIndex } from '../src/request-logs/latency-histogram';
import { RequestLogEntry } from '../src/request-logs/request-log-entry';
import { RequestLogRetention } from '../src/request-logs/request-log-retention';
import { LogBatch } from '../src/request-logs/log-batch';
import { buildBucketFilter, RequestLogFilters } from '../src/request-logs/log-query';
import { MongoRequestLogStore, RequestLogStore } from '../src/request-logs/request-log-store';
import { RequestLogWriter } from '../src/request-logs/request-log-writer';
import { RequestLogsService } from '../src/request-logs/request-logs.service';
import { RequestLogBucket } from '../src/request-logs/schemas/request-log.schema';
import { LEGACY_OVERALL_NODE, NO_NODE, truncateToMinute } from '../src/request-logs/rollups';
import { RequestStat } from '../src/request-logs/schemas/request-stat.schema';
import { encodeEntry } from '../src/request-logs/stored-entry';
import { bucketEntries } from '../src/request-logs/testing/bucket-entries';
import { storedEntries, storedEntryCount } from './support/request-logs';
import { startTestApp, TestApp } from './support/test-app';

const DAY_MS = 86_400_000;

function newAppId(): string {
  return new Types.ObjectId().toHexString();
}

function entry(appId: string, overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    date: new Date(),
    appId,
    method: 'GET',
    path: '/items',
    endPoint: '127.0.0.1:9001',
    responseCode: 200,
    totalTimeMs: 3,
    upstreamTimeMs: 2,
    requestId: randomUUID(),
    clientIp: '127.0.0.1',
    nodesTried: ['127.0.0.1:9001'],
    bytesIn: 0,
    bytesOut: 42,
    interrupted: null,
    ...overrides,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Flushes until it succeeds (a test may have made the store fail once). */
async function flushed(writer: RequestLogWriter): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await writer.flush();
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

describe('Request-log writer against the real database', () => {
  let t: TestApp;
  let writer: RequestLogWriter;
  let service: RequestLogsService;
  let logs: Model<RequestLogBucket>;
  let stats: Model<RequestStat>;

  beforeAll(async () => {
    t = await startTestApp({ LOG_FLUSH_INTERVAL_MS: '50', LOG_BATCH_SIZE: '100' });
    writer = t.app.get(RequestLogWriter);
    service = t.app.get(RequestLogsService);
    logs = t.app.get(getModelToken(RequestLogBucket.name));
    stats = t.app.get(getModelToken(RequestStat.name));
  });
  afterAll(async () => {
    await writer.flush().catch(() => undefined);
    await t.close();
  });

  it('writes every recorded entry exactly once, on its own timer and on flush()', async () => {
    const appId = newAppId();
    const before = writer.counters();
    const entries = Array.from({ length: 1000 }, () => entry(appId));
    entries.forEach((e) => writer.record(e));
    await until(
      'the timer to write 1000 entries',
      async () => (await storedEntryCount(logs, appId)) === 1000,
      10_000,
    );
    await writer.flush();
    const stored = await storedEntries(logs, appId);
    expect(new Set(stored.map((doc) => doc.requestId))).toEqual(
      new Set(entries.map((e) => e.requestId)),
    );
    const after = writer.counters();
    expect(after.recorded - before.recorded).toBe(1000);
    expect(after.written - before.written).toBe(1000);
    expect(after.dropped).toBe(before.dropped);
    expect(after.written + after.dropped + after.discarded + after.buffered).toBe(after.recorded);
  }, 20_000);

  it('stores a batch as one bucket per app, with the documented fields', async () => {
    const appId = newAppId();
    const otherAppId = newAppId();
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const e = entry(appId, {
      endPoint: null,
      responseCode: 503,
      upstreamTimeMs: null,
      nodesTried: [],
      date: new Date(minute + 1000),
    });
    const later = entry(appId, {
      path: '/caf\u00e9/\u{1F600}?',
      totalTimeMs: 1.25,
      date: new Date(minute + 2000),
      interrupted: 'node_failed',
    });
    writer.record(e);
    writer.record(entry(otherAppId));
    writer.record(later);
    await writer.flush();
    const buckets = await logs.find({ appId }).lean();
    expect(buckets).toHaveLength(1);
    expect(buckets[0]).toEqual({
      _id: expect.any(Types.ObjectId),
      appId,
      first: e.date,
      last: later.date,
      statusClasses: [5, 2],
      methods: ['GET'],
      interruptions: ['node_failed'],
      entries: expect.any(mongo.Binary),
      compression: 'br',
    });
    expect(bucketEntries(buckets[0])).toHaveLength(2);
    expect(bucketEntries(buckets[0])[0]).toEqual({
      date: e.date,
      method: 'GET',
      path: '/items',
      endPoint: null,
      responseCode: 503,
      totalTimeMs: 3,
      upstreamTimeMs: null,
      requestId: e.requestId,
      clientIp: '127.0.0.1',
      nodesTried: [],
      bytesIn: 0,
      bytesOut: 42,
      interrupted: null,
    });
    expect(bucketEntries(buckets[0])[1]).toMatchObject({
      path: '/caf\u00e9/\u{1F600}?',
      totalTimeMs: 1.25,
      endPoint: '127.0.0.1:9001',
      nodesTried: ['127.0.0.1:9001'],
      interrupted: 'node_failed',
    });
    expect(await storedEntryCount(logs, otherAppId)).toBe(1);
    const indexes = await logs.collection.listIndexes().toArray();
    expect(indexes.map((index) => index.key)).toEqual(
      expect.arrayContaining([{ appId: 1, last: -1, _id: -1 }]),
    );
  });

  it('stores a batch inserted twice once', async () => {
    const store = new MongoRequestLogStore(logs, stats);
    const appIds = [newAppId(), newAppId()];
    const batch = new LogBatch();
    appIds.forEach((appId) => {
      batch.append(entry(appId, { bytesOut: 5_000_000_000, nodesTried: ['a:1', 'b:2'] }));
      batch.append(entry(appId));
    });
    await store.insertLogs(batch);
    await store.insertLogs(batch);
    const stored = await logs
      .find({ appId: { $in: appIds } })
      .sort({ _id: 1 })
      .lean();
    expect(stored).toEqual(await batch.documents());
    expect(bucketEntries(stored[0])[0]).toMatchObject({
      bytesOut: 5_000_000_000,
      nodesTried: ['a:1', 'b:2'],
    });
  });

  it('keeps two entries that share a client-supplied request id', async () => {
    const appId = newAppId();
    writer.record(entry(appId, { requestId: 'client-chosen-id' }));
    writer.record(entry(appId, { requestId: 'client-chosen-id' }));
    await writer.flush();
    expect(await storedEntryCount(logs, appId)).toBe(2);
  });

  it('does not duplicate a batch retried after its acknowledgement was lost, whole or in part', async () => {
    const store = t.app.get(RequestLogStore);
    const insert = store.insertLogs.bind(store);
    const attempts: string[][] = [];
    const idsOf = async (batch: LogBatch) =>
      (await batch.documents()).map((doc) => String(doc._id));
    const spy = jest
      .spyOn(store, 'insertLogs')
      .mockImplementationOnce(async (batch) => {
        attempts.push(await idsOf(batch));
        await insert(batch); // the database took the whole batch...
        throw new Error('simulated: connection reset before the reply');
      })
      .mockImplementationOnce(async (batch) => {
        attempts.push(await idsOf(batch));
        await logs.collection.insertMany((await batch.documents()).slice(0, 1)); // ...or only part of it
        throw new Error('simulated: connection reset half-way');
      })
      .mockImplementation(async (batch) => {
        attempts.push(await idsOf(batch));
        return insert(batch);
      });
    try {
      const appIds = [newAppId(), newAppId()];
      const before = writer.counters();
      const entries = Array.from({ length: 250 }, (_, i) => entry(appIds[i % 2]));
      entries.forEach((e) => writer.record(e));
      await flushed(writer);
      const stored = [
        ...(await storedEntries(logs, appIds[0])),
        ...(await storedEntries(logs, appIds[1])),
      ];
      expect(stored.map((e) => e.requestId).sort()).toEqual(entries.map((e) => e.requestId).sort());
      expect(attempts.length).toBeGreaterThanOrEqual(5); // 3 batches + 2 retries
      expect(attempts[1]).toEqual(attempts[0]);
      const after = writer.counters();
      expect(after.written - before.written).toBe(250);
      expect(after.buffered).toBe(0);
      // each entry is counted once in the rollups too: the retried batch's rollups were applied once
      const rollups = await stats.find({ appId: { $in: appIds } }).lean();
      expect(rollups.reduce((sum, row) => sum + row.requests, 0)).toBe(250);
    } finally {
      spy.mockRestore();
    }
  });

  it('walks every entry exactly once while more entries are being written', async () => {
    const appId = newAppId();
    const base = Date.now() - 60_000;
    // 300 entries, in groups of 3 that share a millisecond: the _id breaks the ties
    const initial = Array.from({ length: 300 }, (_, i) =>
      entry(appId, { date: new Date(base + Math.floor(i / 3)) }),
    );
    initial.forEach((e) => writer.record(e));
    await writer.flush();

    const seen: string[] = [];
    const dates: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await service.page(appId, { limit: 23, cursor: cursor ?? undefined });
      seen.push(...page.logs.map((log) => log.request_id));
      dates.push(...page.logs.map((log) => Date.parse(log.date)));
      cursor = page.next_cursor;
      pages++;
      // meanwhile: newer entries, and entries sharing the date of the last entry seen
      for (let i = 0; i < 10; i++) writer.record(entry(appId));
      const last = page.logs[page.logs.length - 1];
      if (last) writer.record(entry(appId, { date: new Date(last.date) }));
      await writer.flush();
    } while (cursor);

    expect(pages).toBe(Math.ceil(300 / 23));
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(initial.map((e) => e.requestId)));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(await storedEntryCount(logs, appId)).toBe(300 + pages * 11);
  }, 30_000);

  it('pages in date order through buckets that overlap in time, as two gateways write them', async () => {
    const store = new MongoRequestLogStore(logs, stats);
    const appId = newAppId();
    const base = Date.now() - 60_000;
    const gateways = [new LogBatch(), new LogBatch()];
    const made = Array.from({ length: 40 }, (_, i) => entry(appId, { date: new Date(base + i) }));
    made.forEach((e, i) => gateways[i % 3 === 0 ? 0 : 1].append(e));
    await Promise.all(gateways.map((batch) => store.insertLogs(batch)));
    for (const limit of [1, 3, 7, 40]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await service.page(appId, { limit, cursor: cursor ?? undefined });
        seen.push(...page.logs.map((log) => log.request_id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual(made.map((e) => e.requestId).reverse());
    }
  });

  it('pages through buckets whose entries an earlier build stored as an array of strings', async () => {
    const store = new MongoRequestLogStore(logs, stats);
    const appId = newAppId();
    const base = Date.now() - 60_000;
    const made = Array.from({ length: 6 }, (_, i) =>
      entry(appId, {
        date: new Date(base + i),
        interrupted: i === 1 || i === 4 ? 'client_closed' : null,
      }),
    );
    await logs.collection.insertOne({
      _id: new Types.ObjectId(),
      appId,
      first: made[0].date,
      last: made[2].date,
      statusClasses: [2],
      methods: ['GET'],
      entries: made.slice(0, 3).map((e) => JSON.stringify(encodeEntry(e).fields)),
    });
    const batch = new LogBatch();
    made.slice(3).forEach((e) => batch.append(e));
    await store.insertLogs(batch);
    const page = await service.page(appId, { limit: 10 });
    expect(page.logs.map((log) => log.request_id)).toEqual(made.map((e) => e.requestId).reverse());
    const cut = await service.page(appId, { limit: 10, interrupted: 'client_closed' });
    expect(cut.logs.map((log) => log.request_id)).toEqual([made[4].requestId, made[1].requestId]);
  });

  it('filters by status class, method, literal path prefix and time range', async () => {
    const appId = newAppId();
    const now = Date.now();
    const made = [
      entry(appId, {
        responseCode: 201,
        method: 'POST',
        path: '/v1.0/orders',
        date: new Date(now - 3000),
      }),
      entry(appId, { responseCode: 404, path: '/v1.0/orders/7', date: new Date(now - 2000) }),
      entry(appId, {
        responseCode: 502,
        path: '/v1x0/orders',
        endPoint: null,
        date: new Date(now - 1000),
      }),
      entry(appId, { responseCode: 301, path: '/(a|b)*/x', date: new Date(now) }),
    ];
    made.forEach((e) => writer.record(e));
    await writer.flush();
    const paths = async (query: Parameters<RequestLogsService['page']>[1]) =>
      (await service.page(appId, query)).logs.map((log) => log.path);
    expect(await paths({ status: '5xx' })).toEqual(['/v1x0/orders']);

    expect(await paths({ status: '2xx' })).toEqual(['/v1.0/orders']);
    expect(await paths({ method: 'post' })).toEqual(['/v1.0/orders']);
    expect(await paths({ path_prefix: '/v1.0/' })).toEqual(['/v1.0/orders/7', '/v1.0/orders']);
    expect(await paths({ path_prefix: '/(a|b)*' })).toEqual(['/(a|b)*/x']);
    expect(
      await paths({ from: new Date(now - 2000).toISOString(), to: new Date(now).toISOString() }),
    ).toEqual(['/v1x0/orders', '/v1.0/orders/7']);
    await expect(service.page(appId, { cursor: 'garbage' })).rejects.toMatchObject({
      status: 400,
      code: '01',
    });
  });

  it('does not read the buckets without entries of the status class and method asked for', async () => {
    const appId = newAppId();
    writer.record(entry(appId));
    await writer.flush();
    writer.record(entry(appId, { method: 'POST', responseCode: 503, endPoint: null }));
    await writer.flush();
    const buckets = (filters: RequestLogFilters) =>
      logs.countDocuments(buildBucketFilter(appId, filters));
    expect(await buckets({})).toBe(2);
    expect(await buckets({ status: '5xx' })).toBe(1);
    expect(await buckets({ method: 'get' })).toBe(1);
    expect(await buckets({ status: '5xx', method: 'post' })).toBe(1);
    expect(await buckets({ status: '2xx', method: 'post' })).toBe(0);
    expect((await service.page(appId, { status: '5xx' })).logs).toMatchObject([
      { method: 'POST', response_code: 503 },
    ]);
  });

  it('adds to a rollup whose document has another _id (an earlier build’s, or another gateway’s)', async () => {
    const store = new MongoRequestLogStore(logs, stats);
    const appId = newAppId();
    const minute = truncateToMinute(new Date());
    await stats.collection.insertOne({
      _id: new Types.ObjectId(),
      appId,
      minute,
      node: NO_NODE,
      requests: 5,
      errors: 1,
      maxMs: 9,
      h: {},
    });
    const batch = new LogBatch();
    batch.append(
      entry(appId, { date: minute, totalTimeMs: 20, endPoint: null, responseCode: 200 }),
    );
    await store.applyRollups(batch.rollups.increments());
    const rows = await stats.find({ appId }).lean();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ requests: 6, errors: 1, maxMs: 20 });
  });

  it('reads stats across rollups of an earlier build, which counted each minute overall too', async () => {
    const appId = newAppId();
    const minute = truncateToMinute(new Date(Date.now() - 2 * 60_000));
    const row = (node: string, requests: number, errors: number) => ({
      appId,
      minute,
      node,
      requests,
      errors,
      maxMs: 4,
      h: { le_5: requests },
    });
    await stats.collection.insertMany([row(LEGACY_OVERALL_NODE, 7, 2), row('a:80', 6, 1)]);
    writer.record(entry(appId, { totalTimeMs: 3, endPoint: 'a:80' }));
    writer.record(entry(appId, { totalTimeMs: 3, endPoint: null, responseCode: 503 }));
    await writer.flush();
    const read = await service.stats(appId, '5m');
    expect(read).toMatchObject({ requests: 9, error_rate: 0.3333 });
    expect(read.nodes).toEqual([expect.objectContaining({ end_point: 'a:80', requests: 7 })]);
  });

  it('computes stats from the rollups for a known latency distribution, within one bucket', async () => {
    const appId = newAppId();
    const latencies = [
      ...Array.from({ length: 90 }, () => ({ ms: 3, node: 'a:80' })),
      ...Array.from({ length: 9 }, () => ({ ms: 150, node: 'b:80' })),
      { ms: 800, node: null },
    ];
    latencies.forEach(({ ms, node }) =>
      writer.record(
        entry(appId, { totalTimeMs: ms, endPoint: node, responseCode: node ? 200 : 503 }),
      ),
    );
    // half an hour ago: in the hour, not in the last 5 minutes
    writer.record(
      entry(appId, {
        totalTimeMs: 40_000,
        endPoint: 'a:80',
        date: new Date(Date.now() - 30 * 60_000),
      }),
    );
    await writer.flush();

    const recent = await service.stats(appId, '5m');
    expect(recent).toEqual({
      window: '5m',
      requests: 100,
      error_rate: 0.01,
      interrupted: 0,
      p50_ms: 5, // exact 3: bucket (2, 5]
      p95_ms: 200, // exact 150: bucket (100, 200]
      p99_ms: 200, // exact 150 (rank 99)
      nodes: [
        {
          end_point: 'a:80',
          requests: 90,
          error_rate: 0,
          interrupted: 0,
          p50_ms: 3,
          p95_ms: 3,
          p99_ms: 3,
        },
        {
          end_point: 'b:80',
          requests: 9,
          error_rate: 0,
          interrupted: 0,
          p50_ms: 150,
          p95_ms: 150,
          p99_ms: 150,
        },
      ],
    });
    const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
    for (const [q, reported] of [
      [0.5, recent.p50_ms],
      [0.95, recent.p95_ms],
      [0.99, recent.p99_ms],
    ] as const) {
      expect(bucketIndex(reported as number)).toBe(
        bucketIndex(sorted[Math.ceil(q * sorted.length) - 1]),
      );
    }

    const hour = await service.stats(appId, '1h');
    expect(hour.requests).toBe(101);
    expect(hour.nodes.find((n) => n.end_point === 'a:80')).toMatchObject({
      requests: 91,
      p99_ms: 40_000,
    });
    expect(await service.stats(newAppId(), '1d')).toMatchObject({
      requests: 0,
      p50_ms: null,
      nodes: [],
    });
  });

  it('sweeps log buckets and rollups older than the retention period, and keeps recent ones', async () => {
    const retention = t.app.get(RequestLogRetention);
    const connection = t.app.get<Connection>(getConnectionToken());
    const buildInfo = await connection.db!.admin().command({ buildInfo: 1 });
    const mode = await retention.mode();
    if (
      typeof buildInfo.ferretdbVersion === 'string' &&
      buildInfo.ferretdbVersion.startsWith('v1.')
    ) {
      expect(mode).toBe('sweep'); // FerretDB 1.x refuses expireAfterSeconds
    }
    const appId = newAppId();
    const now = Date.now();
    const old = [2, 1.5, 1.01].map((days) => entry(appId, { date: new Date(now - days * DAY_MS) }));
    const recent = [0.99, 0.5, 0].map((days) =>
      entry(appId, { date: new Date(now - days * DAY_MS) }),
    );
    old.forEach((e) => writer.record(e));
    await writer.flush();
    recent.forEach((e) => writer.record(e));
    await writer.flush();
    expect(await storedEntryCount(logs, appId)).toBe(6);
    // documents of one entry each, as builds before log buckets stored them: pages skip them, sweeps remove them
    const perEntry = (days: number) => ({
      appId,
      date: new Date(now - days * DAY_MS),
      path: '/old',
    });
    await logs.collection.insertMany([perEntry(3), perEntry(0.5)]);
    const first = await service.page(appId, { limit: 5 });
    expect(first.logs).toHaveLength(5);
    const second = await service.page(appId, { limit: 5, cursor: first.next_cursor ?? undefined });
    expect(second).toMatchObject({ logs: [expect.anything()], next_cursor: null });

    const removed = await retention.sweep(new Date(now));
    expect(removed.logs).toBeGreaterThanOrEqual(1);
    const left = await storedEntries(logs, appId);
    expect(left.map((doc) => doc.requestId).sort()).toEqual(recent.map((e) => e.requestId).sort());
    expect(await logs.countDocuments({ appId, last: { $exists: false } })).toBe(1);
    const minutes = new Set(
      (await stats.find({ appId }).lean()).map((row) => row.minute.getTime()),
    );
    expect(minutes.size).toBe(3);
    expect([...minutes].every((minute) => minute >= now - DAY_MS - 60_000)).toBe(true);
  });

  it('deletes an app’s logs and rollups, and never writes its buffered or late entries', async () => {
    const appId = newAppId();
    const keptAppId = newAppId();
    for (let i = 0; i < 20; i++) writer.record(entry(appId));
    await writer.flush();
    const before = writer.counters();
    for (let i = 0; i < 5; i++) writer.record(entry(appId)); // still buffered when the app goes
    writer.record(entry(keptAppId));
    await service.deleteForApp(appId);
    writer.record(entry(appId)); // a request that was in flight during the deletion
    await writer.flush();
    expect(await storedEntryCount(logs, appId)).toBe(0);
    expect(await stats.countDocuments({ appId })).toBe(0);
    expect(await storedEntryCount(logs, keptAppId)).toBe(1);
    const after = writer.counters();
    expect(after.discarded - before.discarded).toBe(6);
    expect(after.written + after.dropped + after.discarded + after.buffered).toBe(after.recorded);
  });
});

describe('Request-log writer through a database outage', () => {
  let database: EmbeddedServer | undefined;
  let dataDir: string;
  let t: TestApp | undefined;

  const startDatabase = (port?: number) =>
    startEmbeddedServer({
      dataDir,
      ferretdbBinary: process.env.FERRETDB_BIN || defaultFerretdbBinary(process.env),
      databaseName: 'slb_outage',
      say: () => undefined,
      port,
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'slb-outage-db-'));
    database = await startDatabase();
    t = await startTestApp({ LOG_FLUSH_INTERVAL_MS: '100', LOG_BATCH_SIZE: '500' }, database.uri);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await database?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps recording while the database is down and writes everything, once, when it is back', async () => {
    const app = (t as TestApp).app;
    const writer = app.get(RequestLogWriter);
    const logs = app.get<Model<RequestLogBucket>>(getModelToken(RequestLogBucket.name));
    const appId = newAppId();
    const port = Number(new URL((database as EmbeddedServer).uri).port);

    // about 2,000 requests a second, as the proxy would hand them over
    const load = setInterval(() => {
      for (let i = 0; i < 10; i++) writer.record(entry(appId));
    }, 5);
    let sawFailure = false;
    const watch = setInterval(() => (sawFailure ||= writer.failing), 20);
    try {
      await sleep(1000);
      await (database as EmbeddedServer).stop();
      database = undefined;
      // longer than serverSelectionTimeoutMS (5 s): a write waiting for the server fails, not just waits
      await sleep(6000);
      const duringOutage = writer.counters();
      expect(duringOutage.buffered).toBeGreaterThan(1000);
      database = await startDatabase(port); // same port, same data directory
      await sleep(1000);
    } finally {
      clearInterval(load);
    }
    await until('the backlog to be written', () => writer.buffered === 0, 30_000);
    clearInterval(watch);

    const counters = writer.counters();
    expect(sawFailure).toBe(true);
    expect(counters.recorded).toBeGreaterThan(2000);
    expect(counters.dropped).toBe(0);
    expect(counters.written + counters.dropped).toBe(counters.recorded);
    expect(await storedEntryCount(logs, appId)).toBe(counters.recorded);
    expect(writer.failing).toBe(false);
  }, 55_000);
});
