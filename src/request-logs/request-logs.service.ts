import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AppConfig } from '../config/app-config';
import { Model } from 'mongoose';
import { AppStatsDto, StatsWindow } from './dto/app-stats.dto';
import { RequestLogPageDto } from './dto/request-log.dto';
import { DEFAULT_LOGS_PAGE, MAX_LOGS_PAGE } from './dto/request-logs-query.dto';
import { LogPageCollector } from './log-page';
import {
  buildBucketFilter,
  buildEntryFilter,
  decodeLogCursor,
  encodeLogCursor,
  RequestLogFilters,
  toLogDto,
} from './log-query';
import { RequestLogWriter } from './request-log-writer';
import { StoredRollup, summarizeRollups, windowStart } from './rollups';
import { RequestLogBucket } from './schemas/request-log.schema';
import { RequestStat } from './schemas/request-stat.schema';

/** Buckets fetched per round trip while a page is gathered; most pages need one or two. */
const BUCKETS_PER_READ = 4;

export interface RequestLogPageQuery extends RequestLogFilters {
  limit?: number;
  cursor?: string;
}

/** Reads and deletes request logs and their rollups. App ids are trusted: callers check ownership first. */
@Injectable()
export class RequestLogsService {
  constructor(
    @InjectModel(RequestLogBucket.name) private readonly logs: Model<RequestLogBucket>,
    @InjectModel(RequestStat.name) private readonly rollups: Model<RequestStat>,
    private readonly writer: RequestLogWriter,
    private readonly config: AppConfig,
  ) {}

  /**
   * One page of an app's logs, newest first (see LogPosition). The cursor is the position of the last entry
   * returned, so entries logged while a client walks the pages never shift it: no duplicates, no gaps. A page
   * that reads LOG_PAGE_SCAN_LIMIT entries without filling up returns what it found, possibly nothing, and a
   * cursor to go on from. Throws ApiError 400 "01" for a cursor this API did not return.
   */
  async page(appId: string, query: RequestLogPageQuery = {}): Promise<RequestLogPageDto> {
    const limit = Math.min(
      MAX_LOGS_PAGE,
      Math.max(1, Math.trunc(query.limit ?? DEFAULT_LOGS_PAGE)),
    );
    const after = query.cursor ? decodeLogCursor(query.cursor) : undefined;
    const collector = new LogPageCollector(limit, buildEntryFilter(query, after), {
      scanLimit: this.config.logPageScanLimit,
      after,
    });
    const buckets = this.logs.collection.find<RequestLogBucket>(
      buildBucketFilter(appId, query, after),
      { sort: { last: -1, _id: -1 }, batchSize: BUCKETS_PER_READ },
    );
    try {
      for await (const bucket of buckets) {
        if (collector.isComplete(bucket.last) || collector.stopsBefore(bucket.last)) break;
        collector.add(bucket);
      }
    } finally {
      await buckets.close();
    }
    const { entries, next } = collector.page();
    return {
      logs: entries.map(({ entry }) => toLogDto(entry)),
      next_cursor: next ? encodeLogCursor(next) : null,
    };
  }

  /** Request count, error rate and latency percentiles of an app over a window, from the per-minute rollups. */
  async stats(appId: string, window: StatsWindow, now: Date = new Date()): Promise<AppStatsDto> {
    const rows = await this.rollups
      .find(
        { appId, minute: { $gte: windowStart(window, now) } },
        { _id: 0, minute: 1, node: 1, requests: 1, errors: 1, interrupted: 1, maxMs: 1, h: 1 },
      )
      .lean<StoredRollup[]>()
      .exec();
    return summarizeRollups(window, rows);
  }

  /** Deletes an app's logs and rollups; its entries still buffered, or logged later, are never written. */
  async deleteForApp(appId: string): Promise<void> {
    await this.deleteForApps([appId]);
  }

  async deleteForApps(appIds: readonly string[]): Promise<void> {
    if (appIds.length === 0) return;
    await this.writer.forgetApps(appIds);
    const ids = [...appIds];
    await Promise.all([
      this.logs.deleteMany({ appId: { $in: ids } }).exec(),
      this.rollups.deleteMany({ appId: { $in: ids } }).exec(),
    ]);
  }
}
