import { mongo, Types } from 'mongoose';
import { LogBatch } from './log-batch';
import { LogPageCollector } from './log-page';
import { buildEntryFilter, comparePositions, encodeLogCursor, decodeLogCursor } from './log-query';
import { encodeEntry } from './stored-entry';
import { logEntry } from './testing/log-entry';

interface TestBucket {
  _id: Types.ObjectId;
  last: Date;
  entries: unknown;
}

const entryAt = (ms: number) => logEntry({ date: new Date(ms), requestId: `at-${ms}` });

/** A bucket as the writer stores it. */
function bucket(dates: number[]): TestBucket {
  const batch = new LogBatch();
  for (const ms of dates) batch.append(entryAt(ms));
  const [doc] = batch.documents();
  return doc;
}

/** Feeds buckets newest `last` first, as the database returns them, and counts how many were read. */
function collect(buckets: TestBucket[], limit: number, cursor?: string) {
  const after = cursor === undefined ? undefined : decodeLogCursor(cursor);
  const collector = new LogPageCollector(limit, buildEntryFilter({}, after));
  const sorted = [...buckets].sort((a, b) => b.last.getTime() - a.last.getTime());
  let read = 0;
  for (const b of sorted) {
    if (collector.isComplete(b.last)) break;
    collector.add(b);
    read++;
  }
  return { ...collector.page(), read };
}

describe('LogPageCollector', () => {
  it('walks buckets that overlap in time in date order, each entry exactly once', () => {
    // two gateways' buckets, interleaved in time, and one much older
    const buckets = [bucket([10, 13, 16, 19]), bucket([11, 12, 14, 15, 17, 18]), bucket([1, 2])];
    for (const limit of [1, 2, 3, 5, 100]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const { entries, more } = collect(buckets, limit, cursor);
        seen.push(...entries.map(({ entry }) => entry.requestId));
        if (!more) break;
        cursor = encodeLogCursor(entries[entries.length - 1].position);
      }
      expect(seen).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 2, 1].map((ms) => `at-${ms}`));
    }
  });

  it('stops reading once no older bucket can hold an entry of the page', () => {
    const buckets = [bucket([30, 31]), bucket([20, 21]), bucket([10, 11])];
    expect(collect(buckets, 1).read).toBe(1);
    expect(collect(buckets, 2).read).toBe(2); // the extra entry that says "more" is in the second bucket
    expect(collect(buckets, 3).read).toBe(2);
    expect(collect(buckets, 6)).toMatchObject({ read: 3, more: false });
  });

  it('breaks ties between entries of one millisecond by bucket, then by index', () => {
    const buckets = [bucket([5, 5]), bucket([5])];
    const { entries } = collect(buckets, 10);
    const positions = entries.map(({ position }) => position);
    expect(positions).toEqual([...positions].sort(comparePositions));
    expect(new Set(positions.map((p) => `${p.bucket}.${p.index}`)).size).toBe(3);
  });

  it('reads the array of strings that buckets of earlier builds hold', () => {
    const old = { ...bucket([1]), entries: [7, 8].map((ms) => encodeEntry(entryAt(ms)).line) };
    const collector = new LogPageCollector(5, buildEntryFilter({}));
    collector.add(old);
    collector.add(bucket([4]));
    const { entries } = collector.page();
    expect(entries.map(({ entry }) => entry.requestId)).toEqual(['at-8', 'at-7', 'at-4']);
    expect(entries.map(({ position }) => position.index)).toEqual([1, 0, 0]);
  });

  it('skips lines that are not entries, and documents that are not buckets', () => {
    const b = bucket([1, 2, 3]);
    const lines = Buffer.from((b.entries as mongo.Binary).value());
    b.entries = new mongo.Binary(Buffer.concat([lines, Buffer.from('\ngarbage\n{}')]));
    const collector = new LogPageCollector(2, buildEntryFilter({}));
    collector.add(b);
    collector.add({ ...bucket([9]), entries: 'not lines' });
    const perEntryDocument = { _id: new Types.ObjectId(), date: new Date(0), path: '/old' };
    expect(collector.isComplete((perEntryDocument as { last?: Date }).last)).toBe(false);
    collector.add(perEntryDocument as unknown as TestBucket);
    expect(collector.page().entries.map(({ entry }) => entry.requestId)).toEqual(['at-3', 'at-2']);
  });
});
