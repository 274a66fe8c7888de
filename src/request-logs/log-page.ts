import { Types } from 'mongoose';
import { comparePositions, LogPosition, PlacedEntry } from './log-query';
import { decodeEntry, StoredEntries, storedLines } from './stored-entry';

/**
 * Gathers one page of entries from buckets read newest `last` first. Buckets may overlap in time (several
 * gateways write at once, each dating entries by its own clock), so the page is complete only when the next
 * bucket's newest entry is older than the page's extra entry: nothing in it or after it can come first.
 *
 * A page whose filters match few entries could read every bucket of the app; past `scanLimit` entries read it
 * stops at a bucket boundary instead, with the entries it found and a position to resume from.
 */
export class LogPageCollector {
  private kept: PlacedEntry[] = [];
  private sorted = true;
  private scanned = 0;
  /** Set when the scan limit stopped the page: it holds every entry dated after this, and no other. */
  private stoppedAtMs: number | null = null;

  constructor(
    private readonly limit: number,
    private readonly accepts: (placed: PlacedEntry) => boolean,
    private readonly options: { scanLimit?: number; after?: LogPosition } = {},
  ) {}

  /**
   * True when no bucket whose newest entry is `last` (or older) can change the page. A document without a
   * `last` date is not a bucket (earlier builds stored one document per entry) and changes nothing.
   */
  isComplete(last: unknown): boolean {
    if (this.kept.length <= this.limit || !(last instanceof Date)) return false;
    this.trim();
    return last.getTime() < this.kept[this.limit].position.dateMs;
  }

  /**
   * True when the page has read its scan limit and stops before the bucket whose newest entry is `last`:
   * every entry dated after `last` was read, so the page resumes from there. Not when that would not move
   * past the cursor the page started from (buckets ending on the same millisecond), so walking always moves on.
   */
  stopsBefore(last: unknown): boolean {
    const { scanLimit = Infinity, after } = this.options;
    if (this.scanned < scanLimit || !(last instanceof Date)) return false;
    if (after && comparePositions(resumeAfter(last.getTime()), after) <= 0) return false;
    this.stoppedAtMs = last.getTime();
    return true;
  }

  add(bucket: StoredEntries & { _id: unknown }): void {
    if (!(bucket._id instanceof Types.ObjectId)) return;
    const bucketId = bucket._id.toHexString();
    const lines = storedLines(bucket);
    this.scanned += lines.length;
    lines.forEach((line, index) => {
      const entry = decodeEntry(line);
      if (!entry) return;
      const placed = { entry, position: { dateMs: entry.date.getTime(), bucket: bucketId, index } };
      if (this.accepts(placed)) this.kept.push(placed);
    });
    this.sorted = false;
    if (this.kept.length > 4 * (this.limit + 1)) this.trim();
  }

  /** The page, newest first, and where the next page starts (null when nothing is left). */
  page(): { entries: PlacedEntry[]; next: LogPosition | null } {
    this.trim();
    const stoppedAtMs = this.stoppedAtMs;
    if (stoppedAtMs !== null) {
      // isComplete() was false before stopping, so these are at most `limit` entries.
      const entries = this.kept.filter(({ position }) => position.dateMs > stoppedAtMs);
      return { entries, next: resumeAfter(stoppedAtMs) };
    }
    const entries = this.kept.slice(0, this.limit);
    const more = this.kept.length > this.limit;
    return { entries, next: more ? entries[entries.length - 1].position : null };
  }

  /** Sorts and keeps the page and one entry more. */
  private trim(): void {
    if (this.sorted) return;
    this.kept.sort((a, b) => comparePositions(a.position, b.position));
    this.kept.length = Math.min(this.kept.length, this.limit + 1);
    this.sorted = true;
  }
}

/** The position that every entry dated `ms` or earlier comes after, and every later one before. */
function resumeAfter(ms: number): LogPosition {
  return { dateMs: ms + 1, bucket: '0'.repeat(24), index: 0 };
}
