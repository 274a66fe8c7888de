import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AppConfig } from '../config/app-config';
import { RequestLogBucket } from './schemas/request-log.schema';
import { RequestStat } from './schemas/request-stat.schema';

export type RetentionMode = 'ttl' | 'sweep';

/**
 * How often the sweep runs where TTL indexes are missing. FerretDB reads the whole collection for it (about
 * 6 µs of CPU per stored entry), so an hour: expired entries are gone within an hour of expiring.
 */
export const SWEEP_INTERVAL_MS = 60 * 60_000;

interface IndexInfo {
  name?: string;
  key?: Record<string, unknown>;
  expireAfterSeconds?: unknown;
}

/**
 * Keeps request logs and rollups for LOG_RETENTION_DAYS.
 *
 * Where the server supports TTL indexes (MongoDB), a TTL index on `last` (log buckets) and `minute` (rollups)
 * does the work; a bucket goes when its newest entry is that old. Support is detected, not assumed: the index
 * is created with `expireAfterSeconds`, then `listIndexes` must report it with that value. FerretDB 1.x
 * refuses the option ("NotImplemented"); there, and whenever the answer is not a clear yes, a sweep deletes
 * expired documents at start and every SWEEP_INTERVAL_MS. When the check could not reach the database, it is
 * tried again before each sweep.
 */
@Injectable()
export class RequestLogRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestLogRetention.name);
  private readonly retentionSeconds: number;
  private detected: Promise<RetentionMode> | null = null;
  private conclusive = false;
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;

  constructor(
    config: AppConfig,
    @InjectModel(RequestLogBucket.name) private readonly logs: Model<RequestLogBucket>,
    @InjectModel(RequestStat.name) private readonly stats: Model<RequestStat>,
  ) {
    this.retentionSeconds = config.logRetentionDays * 86_400;
  }

  onApplicationBootstrap(): void {
    // In the background: start-up does not wait for index builds or a first sweep.
    void this.mode().then((mode) => {
      if (mode === 'sweep') void this.sweepInBackground();
    });
    this.timer = setInterval(() => void this.onTimer(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer and lets a sweep under way finish while the database connection is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }

  /** How retention is enforced on this server (detected once; re-detected while the database was unreachable). */
  mode(): Promise<RetentionMode> {
    if (!this.detected) {
      this.detected = this.detect().then(
        (mode) => {
          this.conclusive = true;
          this.logger.log(
            mode === 'ttl'
              ? `Request logs expire through TTL indexes after ${this.retentionSeconds} s`
              : `TTL indexes are not supported: sweeping request logs older than ${this.retentionSeconds} s every hour`,
          );
          return mode;
        },
        (error: unknown) => {
          this.logger.warn(
            `Could not check TTL index support, sweeping meanwhile: ${describe(error)}`,
          );
          return 'sweep' as const;
        },
      );
    }
    return this.detected;
  }

  /** Deletes logs and rollups older than the retention period. Safe to call in any mode. */
  async sweep(now: Date = new Date()): Promise<{ logs: number; stats: number }> {
    const cutoff = new Date(now.getTime() - this.retentionSeconds * 1000);
    const [logs, stats] = await Promise.all([
      // `date`: documents of one entry each, as builds before log buckets wrote them
      this.logs.deleteMany({ $or: [{ last: { $lt: cutoff } }, { date: { $lt: cutoff } }] }),
      this.stats.deleteMany({ minute: { $lt: cutoff } }),
    ]);
    return { logs: logs.deletedCount, stats: stats.deletedCount };
  }

  private async onTimer(): Promise<void> {
    if (!this.conclusive) this.detected = null;
    if ((await this.mode()) === 'sweep') await this.sweepInBackground();
  }

  private async sweepInBackground(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = this.sweep()
      .catch((error: unknown) =>
        this.logger.warn(`Request-log retention sweep failed: ${describe(error)}`),
      )
      .finally(() => {
        this.sweeping = null;
      });
    await this.sweeping;
  }

  private async detect(): Promise<RetentionMode> {
    const [logs, stats] = await Promise.all([
      this.ensureTtlIndex(this.logs, 'last'),
      this.ensureTtlIndex(this.stats, 'minute'),
    ]);
    return logs && stats ? 'ttl' : 'sweep';
  }

  /**
   * Creates (or updates) a TTL index on `field` and reports whether the server now lists it with the wanted
   * expireAfterSeconds. A refusal of the option is a "no"; an unreachable database rejects.
   */
  private async ensureTtlIndex(
    model: Model<RequestLogBucket> | Model<RequestStat>,
    field: string,
  ): Promise<boolean> {
    const collection = model.collection;
    const name = `${field}_ttl`;
    try {
      await collection.createIndex(
        { [field]: 1 },
        { name, expireAfterSeconds: this.retentionSeconds },
      );
    } catch (error) {
      if (!isServerAnswer(error)) throw error;
      if (!isIndexOptionsConflict(error)) return false;
      // The index exists with another retention (LOG_RETENTION_DAYS changed): update it in place.
      try {
        await model.db.db?.command({
          collMod: collection.collectionName,
          index: { keyPattern: { [field]: 1 }, expireAfterSeconds: this.retentionSeconds },
        });
      } catch (collModError) {
        if (!isServerAnswer(collModError)) throw collModError;
        return false;
      }
    }
    const indexes = (await collection.listIndexes().toArray()) as IndexInfo[];
    return indexes.some(
      (index) =>
        index.key !== undefined &&
        Object.keys(index.key).length === 1 &&
        index.key[field] === 1 &&
        index.expireAfterSeconds === this.retentionSeconds,
    );
  }
}

/** An error the server sent back (it has a numeric code), as opposed to a network or selection failure. */
function isServerAnswer(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'number'
  );
}

function isIndexOptionsConflict(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 85 || code === 86; // IndexOptionsConflict, IndexKeySpecsConflict
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
