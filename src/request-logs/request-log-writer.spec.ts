import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { loadConfig } from '../config/app-config';
import { LogBatch } from './log-batch';
import { RequestLogEntry } from './request-log-entry';
import { RequestLogStore } from './request-log-store';
import { RequestLogWriter, RequestLogWriterTuning } from './request-log-writer';
import { NO_NODE, RollupIncrement } from './rollups';
import { logEntry } from './testing/log-entry';
import { StoredEntry } from './stored-entry';
import { bucketEntries } from './testing/bucket-entries';

/** Keeps entries by bucket `_id` and index, as the database's unique `_id` would. */
class FakeStore extends RequestLogStore {
  readonly stored = new Map<string, StoredEntry & { appId: string }>();
  /** The keys of the entries of each insert attempt. */
  readonly attempts: string[][] = [];
  readonly rollups: RollupIncrement[][] = [];
  failInserts = 0;
  /** Inserts that never settle, as when the driver waits for a connection that does not come. */
  hangInserts = 0;
  failRollups = 0;
  insertDelayMs = 0;

  async insertLogs(batch: LogBatch): Promise<void> {
    const docs = (await batch.documents()).flatMap((bucket) =>
      bucketEntries(bucket).map((entry, index) => ({
        key: `${bucket._id.toHexString()}.${index}`,
        entry: { appId: bucket.appId, ...entry },
      })),
    );
    this.attempts.push(docs.map(({ key }) => key));
    if (this.hangInserts > 0) {
      this.hangInserts--;
      return new Promise(() => undefined);
    }
    if (this.insertDelayMs > 0) await sleep(this.insertDelayMs);
    if (this.failInserts > 0) {
      this.failInserts--;
      throw new Error('MongoServerSelectionError: connect ECONNREFUSED');
    }
    for (const { key, entry } of docs) this.stored.set(key, entry);
  }

  async applyRollups(increments: RollupIncrement[]): Promise<void> {
    if (this.failRollups > 0) {
      this.failRollups--;
      throw new Error('rollup write failed');
    }
    this.rollups.push(increments.map((i) => ({ ...i, counts: [...i.counts] })));
  }

  requestIds(): string[] {
    return [...this.stored.values()].map((doc) => doc.requestId).sort();
  }
}

const FAST: Partial<RequestLogWriterTuning> = {
  retryInitialMs: 5,
  retryMaxMs: 20,
  shutdownWaitMs: 200,
};

function makeWriter(
  env: Record<string, string> = {},
  tuning: Partial<RequestLogWriterTuning> = FAST,
) {
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'unit-test-secret-unit-test-secret-0123456789',
    LOG_FLUSH_INTERVAL_MS: '60000',
    LOG_BATCH_SIZE: '1000',
    ...env,
  });
  const store = new FakeStore();
  const writer = new RequestLogWriter(config, store, tuning);
  return { writer, store };
}

let sequence = 0;
function entry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  sequence++;
  return logEntry({ requestId: `req-${String(sequence).padStart(6, '0')}`, ...overrides });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

function expectBalanced(writer: RequestLogWriter): void {
  const c = writer.counters();
  expect(c.written + c.dropped + c.discarded + c.buffered).toBe(c.recorded);
}

describe('RequestLogWriter', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
  let writers: RequestLogWriter[] = [];
  const track = <T extends { writer: RequestLogWriter }>(made: T): T => {
    writers.push(made.writer);
    return made;
  };
  afterEach(async () => {
    await Promise.all(writers.map((w) => w.beforeApplicationShutdown()));
    writers = [];
  });

  it('buffers up to LOG_BUFFER_MAX, drops the newest entries past it and counts them', async () => {
    const { writer, store } = track(makeWriter({ LOG_BUFFER_MAX: '10' }));
    const entries = Array.from({ length: 15 }, () => entry());
    entries.forEach((e) => writer.record(e));
    expect(writer.counters()).toEqual({
      recorded: 15,
      written: 0,
      dropped: 5,
      discarded: 0,
      buffered: 10,
    });
    await writer.flush();
    expect(writer.counters()).toEqual({
      recorded: 15,
      written: 10,
      dropped: 5,
      discarded: 0,
      buffered: 0,
    });
    expect(store.requestIds()).toEqual(entries.slice(0, 10).map((e) => e.requestId));
  });

  it('never touches the store on the caller stack, and flushes as soon as a batch is full', async () => {
    const { writer, store } = track(makeWriter({ LOG_BATCH_SIZE: '5' }));
    writer.onApplicationBootstrap();
    for (let i = 0; i < 12; i++) writer.record(entry());
    expect(store.attempts).toHaveLength(0);
    await until(() => writer.written === 10);
    expect(store.attempts.map((batch) => batch.length)).toEqual([5, 5]);
    expect(writer.buffered).toBe(2); // a partial batch waits for the timer (60 s here)
    expectBalanced(writer);
  });

  it('sends each batch as soon as it is full, whatever its size, and counts what waits as buffered', async () => {
    const { writer, store } = track(makeWriter({ LOG_BATCH_SIZE: '100' }));
    writer.onApplicationBootstrap();
    for (let i = 0; i < 10; i++) writer.record(entry());
    expect(writer.counters()).toMatchObject({ recorded: 10, written: 0, buffered: 10 });
    expectBalanced(writer);
    for (let i = 0; i < 240; i++) writer.record(entry());
    await until(() => writer.written === 200);
    expect(store.attempts.map((batch) => batch.length)).toEqual([100, 100]);
    expect(writer.buffered).toBe(50);
    expectBalanced(writer);
  });

  it('flushes a partial batch every LOG_FLUSH_INTERVAL_MS', async () => {
    const { writer } = track(makeWriter({ LOG_FLUSH_INTERVAL_MS: '20' }));
    writer.onApplicationBootstrap();
    writer.record(entry());
    writer.record(entry());
    await until(() => writer.written === 2, 1000);
    expect(writer.buffered).toBe(0);
  });

  it('keeps a failed batch and retries it with the same ids, so that it is written exactly once', async () => {
    const { writer, store } = track(
      makeWriter({ LOG_FLUSH_INTERVAL_MS: '10', LOG_BATCH_SIZE: '4' }),
    );
    writer.onApplicationBootstrap();
    store.failInserts = 3;
    const entries = Array.from({ length: 10 }, () => entry());
    entries.forEach((e) => writer.record(e));
    await until(() => writer.written === 10);
    expect(store.attempts.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i <= 3; i++) expect(store.attempts[i]).toEqual(store.attempts[0]);
    expect(store.requestIds()).toEqual(entries.map((e) => e.requestId));
    expect(writer.counters()).toMatchObject({ recorded: 10, written: 10, dropped: 0, buffered: 0 });
    expect(writer.failing).toBe(false);
  });

  it('gives up on a write the database never answers, and retries it', async () => {
    const { writer, store } = track(
      makeWriter(
        { LOG_FLUSH_INTERVAL_MS: '10', LOG_BATCH_SIZE: '4' },
        { ...FAST, writeTimeoutMs: 50 },
      ),
    );
    writer.onApplicationBootstrap();
    store.hangInserts = 2;
    const entries = Array.from({ length: 4 }, () => entry());
    entries.forEach((e) => writer.record(e));
    await until(() => writer.written === 4);
    expect(store.attempts).toHaveLength(3);
    expect(store.attempts[2]).toEqual(store.attempts[0]);
    expect(store.requestIds()).toEqual(entries.map((e) => e.requestId));
    expect(writer.failing).toBe(false);
  });

  it('counts the batch in flight as buffered, against the bound, while the database is down', async () => {
    const { writer, store } = track(
      makeWriter({ LOG_BUFFER_MAX: '6', LOG_BATCH_SIZE: '4', LOG_FLUSH_INTERVAL_MS: '10' }),
    );
    writer.onApplicationBootstrap();
    store.failInserts = Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < 4; i++) writer.record(entry());
    await until(() => store.attempts.length >= 2);
    expect(writer.failing).toBe(true);
    for (let i = 0; i < 5; i++) writer.record(entry());
    expect(writer.counters()).toMatchObject({ recorded: 9, written: 0, dropped: 3, buffered: 6 });
    expectBalanced(writer);
    store.failInserts = 0;
    await until(() => writer.buffered === 0);
    expect(writer.counters()).toMatchObject({ recorded: 9, written: 6, dropped: 3 });
  });

  it('rejects flush() with the database error and keeps the entries', async () => {
    const { writer, store } = track(makeWriter());
    store.failInserts = 1;
    writer.record(entry());
    await expect(writer.flush()).rejects.toThrow('ECONNREFUSED');
    expect(writer.buffered).toBe(1);
    await writer.flush();
    expect(writer.written).toBe(1);
  });

  it('applies the rollups of all the batches written in one LOG_FLUSH_INTERVAL_MS at once', async () => {
    const { writer, store } = track(
      makeWriter({ LOG_FLUSH_INTERVAL_MS: '300', LOG_BATCH_SIZE: '2' }),
    );
    writer.onApplicationBootstrap();
    for (let i = 0; i < 10; i++) writer.record(entry());
    await until(() => writer.written === 10);
    expect(store.attempts).toHaveLength(5);
    expect(store.rollups).toHaveLength(0);
    await until(() => store.rollups.length > 0, 2000);
    expect(store.rollups).toHaveLength(1);
    expect(store.rollups[0]).toEqual([expect.objectContaining({ requests: 10 })]);
  });

  it('applies the rollups of written batches once, and retries them without holding logs back forever', async () => {
    const { writer, store } = track(makeWriter({}, { ...FAST, maxRollupFailures: 2 }));
    writer.record(entry({ totalTimeMs: 3 }));
    writer.record(entry({ totalTimeMs: 700, responseCode: 503, endPoint: null }));
    await writer.flush();
    expect(store.rollups.flat().find((r) => r.node === NO_NODE)).toMatchObject({
      appId: 'app1',
      requests: 1,
      errors: 1,
      maxMs: 700,
    });
    expect(store.rollups.flat().find((r) => r.node === '127.0.0.1:8080')).toMatchObject({
      requests: 1,
      errors: 0,
      maxMs: 3,
    });

    store.failRollups = 1;
    writer.record(entry());
    await expect(writer.flush()).rejects.toThrow('rollup write failed');
    expect(writer.written).toBe(3); // the logs are in; only the rollup waits
    writer.record(entry());
    await writer.flush();
    // the pending rollup of the first attempt was merged with the next batch's, then applied once
    expect(store.rollups).toHaveLength(2);
    expect(store.rollups[1]).toEqual([expect.objectContaining({ requests: 2 })]);

    store.failRollups = 2;
    writer.record(entry());
    await expect(writer.flush()).rejects.toThrow('rollup write failed');
    writer.record(entry());
    await writer.flush(); // second rollup failure in a row while logs are stored: the rollups are given up
    expect(store.rollups).toHaveLength(2);
    expect(writer.counters()).toMatchObject({ recorded: 6, written: 6, buffered: 0 });
  });

  it('discards the entries of deleted apps: queued, in a batch being retried, and recorded later', async () => {
    const { writer, store } = track(makeWriter());
    writer.record(entry({ appId: 'gone' }));
    writer.record(entry({ appId: 'kept' }));
    store.failInserts = 1;
    await expect(writer.flush()).rejects.toThrow();
    writer.record(entry({ appId: 'gone' }));
    writer.record(entry({ appId: 'kept' }));
    await writer.forgetApps(['gone']);
    writer.record(entry({ appId: 'gone' }));
    await writer.flush();
    expect([...store.stored.values()].map((doc) => doc.appId)).toEqual(['kept', 'kept']);
    expect(store.rollups.flat().every((r) => r.appId === 'kept')).toBe(true);
    expect(writer.counters()).toEqual({
      recorded: 5,
      written: 2,
      dropped: 0,
      discarded: 3,
      buffered: 0,
    });
  });

  it('lets forgetApps wait for an insert already sent', async () => {
    const { writer, store } = track(makeWriter({ LOG_BATCH_SIZE: '1' }));
    store.insertDelayMs = 50;
    writer.record(entry({ appId: 'gone' }));
    await until(() => store.attempts.length === 1);
    const started = Date.now();
    await writer.forgetApps(['gone']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(store.stored.size).toBe(1); // written before forgetApps returned: the caller's deleteMany comes after
  });

  it('writes what is left on shutdown', async () => {
    const { writer, store } = makeWriter();
    for (let i = 0; i < 3; i++) writer.record(entry());
    await writer.beforeApplicationShutdown();
    expect(store.stored.size).toBe(3);
    expect(writer.counters()).toMatchObject({ recorded: 3, written: 3, buffered: 0 });
  });

  it('gives up on shutdown after a bounded wait, counting what is left as dropped', async () => {
    const { writer, store } = makeWriter({}, { ...FAST, shutdownWaitMs: 100 });
    store.failInserts = Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < 3; i++) writer.record(entry());
    const started = Date.now();
    await writer.beforeApplicationShutdown();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(writer.counters()).toMatchObject({ recorded: 3, written: 0, dropped: 3, buffered: 0 });
    writer.record(entry());
    expect(writer.counters()).toMatchObject({ recorded: 4, dropped: 4 });
  });

  it('says on shutdown why entries were left: the last write error, or a database too slow to take them', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const failing = makeWriter({}, { ...FAST, shutdownWaitMs: 100 });
      failing.store.failInserts = Number.MAX_SAFE_INTEGER;
      failing.writer.record(entry());
      await failing.writer.beforeApplicationShutdown();
      expect(errors).toHaveBeenLastCalledWith(
        'Shutting down with 1 request-log entries not written: Error: MongoServerSelectionError: connect ECONNREFUSED',
      );

      const slow = makeWriter({}, { ...FAST, shutdownWaitMs: 100 });
      slow.store.failInserts = 1;
      slow.writer.record(entry());
      await expect(slow.writer.flush()).rejects.toThrow('ECONNREFUSED');
      await until(() => slow.writer.counters().written === 1);
      slow.store.insertDelayMs = 1000;
      slow.writer.record(entry());
      await slow.writer.beforeApplicationShutdown();
      expect(errors).toHaveBeenLastCalledWith(
        'Shutting down with 1 request-log entries not written: the database did not take them within 100 ms',
      );
    } finally {
      errors.mockRestore();
    }
  });

  it('does nothing and counts nothing when LOG_ENABLED=false', async () => {
    const { writer, store } = track(makeWriter({ LOG_ENABLED: 'false', LOG_BATCH_SIZE: '1' }));
    writer.onApplicationBootstrap();
    writer.record(entry());
    await writer.flush();
    await sleep(5);
    expect(writer.counters()).toEqual({
      recorded: 0,
      written: 0,
      dropped: 0,
      discarded: 0,
      buffered: 0,
    });
    expect(store.attempts).toHaveLength(0);
  });

  it('never throws from record(), and stores sane values for a malformed entry', async () => {
    const { writer, store } = track(makeWriter());
    const malformed = { appId: 'app1', requestId: 'bad', date: 'yesterday', totalTimeMs: 'slow' };
    expect(() => writer.record(malformed as unknown as RequestLogEntry)).not.toThrow();
    expect(() => writer.record(null as unknown as RequestLogEntry)).not.toThrow();
    await writer.flush();
    const doc = [...store.stored.values()].find((d) => d.requestId === 'bad');
    expect(doc?.date).toBeInstanceOf(Date);
    expect(doc?.totalTimeMs).toBe(0);
    expect(doc?.nodesTried).toEqual([]);
    expectBalanced(writer);
  });

  it('drops an entry whose fields throw when read, and keeps nothing of it', async () => {
    const { writer, store } = track(makeWriter());
    const throwing = entry();
    Object.defineProperty(throwing, 'clientIp', {
      get() {
        throw new Error('unreadable');
      },
    });
    writer.record(entry({ requestId: 'before' }));
    expect(() => writer.record(throwing)).not.toThrow();
    writer.record(entry({ requestId: 'after' }));
    await writer.flush();
    expect(store.requestIds()).toEqual(['after', 'before']);
    expect(writer.counters()).toMatchObject({ recorded: 3, written: 2, dropped: 1, buffered: 0 });
  });
});
