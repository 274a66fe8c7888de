import { brotliCompressSync, brotliDecompressSync, deflateRawSync } from 'node:zlib';
import { mongo, Types } from 'mongoose';
import { LogBatch } from './log-batch';
import { LogPageCollector } from './log-page';
import {
  buildEntryFilter,
  comparePositions,
  decodeLogCursor,
  encodeLogCursor,
  RequestLogFilters,
} from './log-query';
import { RequestLogEntry } from './request-log-entry';
import { encodeEntry } from './stored-entry';
import { bucketEntries } from './testing/bucket-entries';
import { logEntry } from './testing/log-entry';

interface TestBucket {
  _id: Types.ObjectId;
  first: Date;
  last: Date;
  entries: unknown;
  compression?: unknown;
}

let made = 0;
const entryAt = (ms: number, matching = false) =>
  logEntry({
    date: new Date(ms),
    requestId: `at-${ms}`,
    path: matching ? `/match/${made++}` : '/other',
  });

/** A bucket as the writer stores it. */
async function bucketOf(entries: RequestLogEntry[]): Promise<TestBucket> {
  const batch = new LogBatch();
  for (const entry of entries) batch.append(entry);
  const [doc] = await batch.documents();
  return doc;
}

function bucket(dates: number[]): Promise<TestBucket> {
  return bucketOf(dates.map((ms) => entryAt(ms)));
}

/** Feeds buckets newest `last` first, as the database returns them, and counts how many were added. */
function collect(
  buckets: TestBucket[],
  limit: number,
  cursor?: string,
  { scanLimit, filters = {} }: { scanLimit?: number; filters?: RequestLogFilters } = {},
) {
  const after = cursor === undefined ? undefined : decodeLogCursor(cursor);
  const collector = new LogPageCollector(limit, buildEntryFilter(filters, after), {
    scanLimit,
    after,
  });
  const sorted = buckets
    .filter((b) => !after || b.first.getTime() <= after.dateMs) // as buildBucketFilter() bounds `first`
    .sort((a, b) => b.last.getTime() - a.last.getTime());
  let read = 0;
  for (const b of sorted) {
    if (collector.isComplete(b.last) || collector.stopsBefore(b.last)) break;
    collector.add(b);
    read++;
  }
  return { ...collector.page(), read };
}

/** Every page of a walk: the request ids of each and the buckets each read. */
function walk(buckets: TestBucket[], limit: number, options?: Parameters<typeof collect>[3]) {
  const pages: { ids: string[]; read: number }[] = [];
  let cursor: string | undefined;
  do {
    const { entries, next, read } = collect(buckets, limit, cursor, options);
    pages.push({ ids: entries.map(({ entry }) => entry.requestId), read });
    cursor = next ? encodeLogCursor(next) : undefined;
    if (pages.length > 1000) throw new Error('the walk does not end');
  } while (cursor);
  return pages;
}

describe('LogPageCollector', () => {
  it('walks buckets that overlap in time in date order, each entry exactly once', async () => {
    // two gateways' buckets, interleaved in time, and one much older
    const stored = await Promise.all([
      bucket([10, 13, 16, 19]),
      bucket([11, 12, 14, 15, 17, 18]),
      bucket([1, 2]),
    ]);
    for (const limit of [1, 2, 3, 5, 100]) {
      const seen = walk(stored, limit).flatMap((page) => page.ids);
      expect(seen).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 2, 1].map((ms) => `at-${ms}`));
    }
  });

  it('past its scan limit, returns what it found and resumes after it, each match exactly once', async () => {
    // one entry in 4 matches the filter; buckets overlap in time as two gateways' do
    const stored = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        bucketOf([0, 1, 2, 3].map((j) => entryAt(100 * (i >> 1) + 10 * j + (i % 2), j === 0))),
      ),
    );
    const matching = stored
      .flatMap((b) => bucketEntries(b))
      .filter((e) => e.path.startsWith('/match'))
      .sort((a, b) => b.date.getTime() - a.date.getTime())
      .map((e) => e.requestId);
    for (const limit of [1, 2, 10]) {
      for (const scanLimit of [1, 4, 8, 100]) {
        const pages = walk(stored, limit, { scanLimit, filters: { path_prefix: '/match' } });
        expect(pages.flatMap((page) => page.ids)).toEqual(matching);
        // the limit's worth of buckets, the one that cannot be resumed from (it ends where the page starts),
        // and one more that tells where to resume
        const bucketsPerPage = Math.ceil(scanLimit / 4) + 2;
        for (const page of pages) expect(page.read).toBeLessThanOrEqual(bucketsPerPage);
        if (scanLimit < 24 && limit === 10) expect(pages.length).toBeGreaterThan(1);
      }
    }
  });

  it('reads on past its scan limit rather than resume where it started (buckets ending on one millisecond)', async () => {
    const stored = await Promise.all(
      [0, 1, 2].map(() => bucketOf([entryAt(5, false), entryAt(5, true)])),
    );
    const pages = walk(stored, 10, { scanLimit: 1, filters: { path_prefix: '/match' } });
    expect(pages.flatMap((page) => page.ids)).toHaveLength(3);
  });

  it('stops reading once no older bucket can hold an entry of the page', async () => {
    const stored = await Promise.all([bucket([30, 31]), bucket([20, 21]), bucket([10, 11])]);
    expect(collect(stored, 1).read).toBe(1);
    expect(collect(stored, 2).read).toBe(2); // the extra entry that says "more" is in the second bucket
    expect(collect(stored, 3).read).toBe(2);
    expect(collect(stored, 6)).toMatchObject({ read: 3, next: null });
  });

  it('breaks ties between entries of one millisecond by bucket, then by index', async () => {
    const { entries } = collect(await Promise.all([bucket([5, 5]), bucket([5])]), 10);
    const positions = entries.map(({ position }) => position);
    expect(positions).toEqual([...positions].sort(comparePositions));
    expect(new Set(positions.map((p) => `${p.bucket}.${p.index}`)).size).toBe(3);
  });

  it('reads the DEFLATE-compressed and uncompressed lines and the array of strings that buckets of earlier builds hold', async () => {
    const lines = (...dates: number[]) =>
      dates.map((ms) => JSON.stringify(encodeEntry(entryAt(ms)).fields));
    const [array, binary, deflated] = await Promise.all([bucket([1]), bucket([2]), bucket([3])]);
    const collector = new LogPageCollector(7, buildEntryFilter({}));
    collector.add({
      ...deflated,
      entries: new mongo.Binary(deflateRawSync(Buffer.from(lines(9, 10).join('\n')))),
      compression: 'deflate-raw',
    });
    collector.add({ ...array, entries: lines(7, 8), compression: undefined });
    collector.add({
      ...binary,
      entries: new mongo.Binary(Buffer.from(lines(5, 6).join('\n'))),
      compression: undefined,
    });
    collector.add(await bucket([4]));
    const { entries } = collector.page();
    expect(entries.map(({ entry }) => entry.requestId)).toEqual([
      'at-10',
      'at-9',
      'at-8',
      'at-7',
      'at-6',
      'at-5',
      'at-4',
    ]);
    expect(entries.map(({ position }) => position.index)).toEqual([1, 0, 1, 0, 1, 0, 0]);
  });

  it('skips lines that are not entries, values that do not decompress, unknown compressions, and documents that are not buckets', async () => {
    const [b, notCompressed, unknownCompression, notLines] = await Promise.all([
      bucket([1, 2, 3]),
      bucket([8]),
      bucket([7]),
      bucket([9]),
    ]);
    const lines = brotliDecompressSync((b.entries as mongo.Binary).value());
    b.entries = new mongo.Binary(
      brotliCompressSync(Buffer.concat([lines, Buffer.from('\ngarbage\n{}')])),
    );
    notCompressed.entries = new mongo.Binary(
      Buffer.from(JSON.stringify(encodeEntry(entryAt(8)).fields)),
    );
    unknownCompression.entries = new mongo.Binary(
      Buffer.from(JSON.stringify(encodeEntry(entryAt(7)).fields)),
    );
    unknownCompression.compression = 'constructor';
    const collector = new LogPageCollector(2, buildEntryFilter({}));
    collector.add(b);
    collector.add(notCompressed);
    collector.add(unknownCompression);
    collector.add({ ...notLines, entries: 'not lines' });
    const perEntryDocument = { _id: new Types.ObjectId(), date: new Date(0), path: '/old' };
    expect(collector.isComplete((perEntryDocument as { last?: Date }).last)).toBe(false);
    collector.add(perEntryDocument as unknown as TestBucket);
    expect(collector.page().entries.map(({ entry }) => entry.requestId)).toEqual(['at-3', 'at-2']);
  });
});
