import { Types } from 'mongoose';
import { comparePositions, PlacedEntry } from './log-query';
import { decodeEntry, storedLines } from './stored-entry';

/**
 * Gathers one page of entries from buckets read newest `last` first. Buckets may overlap in time (several
 * gateways write at once, each dating entries by its own clock), so the page is complete only when the next
 * bucket's newest entry is older than the page's extra entry: nothing in it or after it can come first.
 */
export class LogPageCollector {
  private kept: PlacedEntry[] = [];
  private sorted = true;

  constructor(
    private readonly limit: number,
    private readonly accepts: (placed: PlacedEntry) => boolean,
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

  add(bucket: { _id: unknown; entries: unknown }): void {
    if (!(bucket._id instanceof Types.ObjectId)) return;
    const bucketId = bucket._id.toHexString();
    storedLines(bucket.entries).forEach((line, index) => {
      const entry = decodeEntry(line);
      if (!entry) return;
      const placed = { entry, position: { dateMs: entry.date.getTime(), bucket: bucketId, index } };
      if (this.accepts(placed)) this.kept.push(placed);
    });
    this.sorted = false;
    if (this.kept.length > 4 * (this.limit + 1)) this.trim();
  }

  /** The page, newest first, and whether entries are left after it. */
  page(): { entries: PlacedEntry[]; more: boolean } {
    this.trim();
    return { entries: this.kept.slice(0, this.limit), more: this.kept.length > this.limit };
  }

  /** Sorts and keeps the page and one entry more. */
  private trim(): void {
    if (this.sorted) return;
    this.kept.sort((a, b) => comparePositions(a.position, b.position));
    this.kept.length = Math.min(this.kept.length, this.limit + 1);
    this.sorted = true;
  }
}
