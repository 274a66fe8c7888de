import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { LogBatch } from './log-batch';
import { RequestLogEntry } from './request-log-entry';
import { RequestLogStore } from './request-log-store';
import { RingBuffer } from './ring-buffer';
import { addIncrement, RollupIncrement } from './rollups';

/** Timings that are not configuration, injectable so that tests can shorten them. */
export interface RequestLogWriterTuning {
  /** First retry delay after a failed write; doubles on each further failure. */
  retryInitialMs: number;
  /** Cap of the retry delay. */
  retryMaxMs: number;
  /** How long shutdown keeps trying to write what is left. */
  shutdownWaitMs: number;
  /** How long forgetApps() waits for a write already sent to the database. */
  forgetWaitMs: number;
  /** Consecutive rollup failures, while log inserts succeed, after which a batch's rollups are given up. */
  maxRollupFailures: number;
  /**
   * How long one write may go unanswered before it counts as failed and is retried. The driver's own
   * timeouts do not cover every wait (a connection checkout has none), and one write that never settles
   * would hold every later entry back.
   */
  writeTimeoutMs: number;
}

export const REQUEST_LOG_WRITER_TUNING = Symbol('REQUEST_LOG_WRITER_TUNING');

export const DEFAULT_WRITER_TUNING: RequestLogWriterTuning = {
  retryInitialMs: 100,
  retryMaxMs: 5000,
  shutdownWaitMs: 10_000,
  forgetWaitMs: 10_000,
  maxRollupFailures: 5,
  writeTimeoutMs: 20_000,
};

/**
 * recorded = written + dropped + discarded + buffered, at any time.
 * - written: stored in MongoDB;
 * - dropped: refused because the buffer was full (the newest entries are the ones dropped), or still
 *   unwritten when the application stopped;
 * - discarded: belonged to an app deleted before they could be written (0 unless apps are deleted);
 * - buffered: waiting in memory, including the batch being written.
 */
export interface RequestLogCounters {
  recorded: number;
  written: number;
  dropped: number;
  discarded: number;
  buffered: number;
}

const MAX_REMEMBERED_DELETED_APPS = 100_000;
/** A batch is sent once it holds this much, whatever LOG_BATCH_SIZE says (a document's limit is 16 MB). */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/**
 * Recorded entries are encoded into their batch this many at a time, or as soon as they fill it. Encoded
 * one by one, as each response finishes, the encoder ran with caches that the rest of the request had taken
 * over: in A/B runs at 1 KB, encoding runs of 64 took 2–6% off a proxied request's CPU. Under such load the
 * waiting entries are a few milliseconds old, gone before a scavenge would promote them; runs of 256 gained
 * nothing more.
 */
const ENCODE_RUN = 64;

/**
 * Collects the request-log entries handed over by the forwarding proxy and writes them in batches.
 *
 * record() queues the entry: no I/O, no promise, no throw. Every ENCODE_RUN entries, as soon as they would
 * fill the batch, and before a batch is sent, the queued entries are encoded into their apps' buckets in the
 * batch being filled (see LogBatch) and added to the batch's rollups, with no string built per entry (see
 * json-line.ts). A single pump, started by a timer every LOG_FLUSH_INTERVAL_MS or as soon as a batch holds
 * LOG_BATCH_SIZE entries, inserts one batch at a time (`ordered: false`). A failed batch, or one the database
 * has not answered within writeTimeoutMs, is kept and retried with exponential backoff (capped at
 * retryMaxMs); retrying can never duplicate an entry because its bucket's `_id` was fixed when the bucket was
 * started and buckets already present are counted as written. The per-minute rollups of the batches stored
 * are merged and applied once per LOG_FLUSH_INTERVAL_MS; they are retried too, so a rollup write whose
 * acknowledgement is lost, or comes too late, is counted twice (stats may over-count in that rare case; logs
 * never duplicate).
 *
 * When the queue holds LOG_BUFFER_MAX entries (including the batch in flight), new entries are dropped and
 * counted: the oldest ones, kept, form an unbroken history from the start of an outage.
 */
@Injectable()
export class RequestLogWriter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestLogWriter.name);
  private readonly tuning: RequestLogWriterTuning;
  /** LOG_ENABLED: when false, record() does nothing and callers need not build entries. */
  readonly enabled: boolean;
  private readonly batchSize: number;
  private readonly bufferMax: number;
  private readonly sealed: RingBuffer<LogBatch>;
  private readonly deletedApps = new Map<string, number>();
  private readonly deletedAppMemoryMs: number;

  /** Recorded entries not encoded yet. */
  private unencoded: RequestLogEntry[] = [];
  private filling: LogBatch | null = null;
  /** Entries in `unencoded`, `filling` and `sealed`. */
  private queuedCount = 0;
  private inFlight: LogBatch | null = null;
  private pendingRollups = new Map<string, RollupIncrement>();
  /** When the oldest of `pendingRollups` was merged in. */
  private rollupsPendingSince = 0;
  /** Logs were stored since the rollups were last applied: a rollup failure then counts towards giving up. */
  private logsStoredSinceRollups = false;
  /** A flush() waits: apply the rollups now rather than when due. */
  private rollupsWanted = false;
  private rollupFailures = 0;

  private recordedCount = 0;
  private writtenCount = 0;
  private droppedCount = 0;
  private discardedCount = 0;

  private pumping: Promise<boolean> | null = null;
  private current: Promise<unknown> | null = null;
  private drainTarget = 0;
  private tickMissed = false;
  private kickScheduled = false;
  private tickTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private failingSince: number | null = null;
  private lastError: unknown = null;
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly store: RequestLogStore,
    @Optional() @Inject(REQUEST_LOG_WRITER_TUNING) tuning?: Partial<RequestLogWriterTuning>,
  ) {
    this.tuning = { ...DEFAULT_WRITER_TUNING, ...tuning };
    this.enabled = config.logEnabled;
    this.batchSize = config.logBatchSize;
    this.bufferMax = config.logBufferMax;
    this.sealed = new RingBuffer(this.bufferMax, 16);
    this.deletedAppMemoryMs = config.logRetentionDays * 86_400_000;
  }

  /**
   * Hands a finished request over. O(1) amortized; never throws, never waits, does no I/O on the caller's
   * stack.
   */
  record(entry: RequestLogEntry): void {
    if (!this.enabled) return;
    this.recordedCount++;
    if (
      this.closed ||
      typeof entry !== 'object' ||
      entry === null ||
      this.bufferedCount() >= this.bufferMax
    ) {
      this.droppedCount++;
      return;
    }
    this.unencoded.push(entry);
    this.queuedCount++;
    const waiting = this.unencoded.length;
    if (waiting >= ENCODE_RUN || waiting + (this.filling?.count ?? 0) >= this.batchSize) {
      this.encodeQueued();
    }
  }

  get recorded(): number {
    return this.recordedCount;
  }

  get written(): number {
    return this.writtenCount;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get discarded(): number {
    return this.discardedCount;
  }

  get buffered(): number {
    return this.bufferedCount();
  }

  counters(): RequestLogCounters {
    return {
      recorded: this.recordedCount,
      written: this.writtenCount,
      dropped: this.droppedCount,
      discarded: this.discardedCount,
      buffered: this.bufferedCount(),
    };
  }

  /** True while writes are failing and being retried (the database is unreachable, typically). */
  get failing(): boolean {
    return this.failingSince !== null;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled || this.tickTimer) return;
    this.tickTimer = setInterval(() => this.tick(), this.config.logFlushIntervalMs);
    this.tickTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    if (!this.enabled) return;
    const deadline = Date.now() + this.tuning.shutdownWaitMs;
    while (this.bufferedCount() > 0 || this.pendingRollups.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const finished = await withTimeout(
        this.flush().then(() => true),
        left,
      ).catch(() => false);
      if (!finished && deadline - Date.now() > 0) await sleep(Math.min(200, deadline - Date.now()));
    }
    this.closed = true;
    this.clearRetryTimer();
    // A batch still being sent (the wait ran out) stays counted as buffered: it may yet be written.
    let left = this.queuedCount;
    this.unencoded = [];
    this.sealed.take(this.sealed.size);
    this.filling = null;
    this.queuedCount = 0;
    if (this.inFlight !== null && this.pumping === null) {
      left += this.inFlight.count;
      this.inFlight = null;
    }
    this.droppedCount += left;
    const unwritten = left + this.bufferedCount();
    if (unwritten > 0) {
      this.logger.error(
        `Shutting down with ${unwritten} request-log entries not written: ${
          this.failing
            ? describe(this.lastError)
            : `the database did not take them within ${this.tuning.shutdownWaitMs} ms`
        }`,
      );
    }
  }

  /**
   * Writes everything recorded before the call (and whatever else is queued meanwhile, batch by batch).
   * Rejects with the database error if a write fails; the writer then retries on its own as usual.
   */
  async flush(): Promise<void> {
    if (!this.enabled) return;
    this.drainTarget = Math.max(this.drainTarget, this.recordedCount - this.droppedCount);
    for (;;) {
      if (this.pumping) await this.pumping;
      if (this.settled()) return;
      this.clearRetryTimer();
      this.rollupsWanted = true;
      if (!(await this.startPump())) throw this.lastError;
      if (this.closed) return;
    }
  }

  /**
   * Stops writing the entries of these apps (queued, in a batch being retried, or recorded later by requests
   * still in flight) and waits, bounded, for a write already sent to the database, so that a deleteMany run
   * after this call is not followed by a late insert. Deleted ids are remembered for LOG_RETENTION_DAYS.
   */
  async forgetApps(appIds: readonly string[]): Promise<void> {
    const now = Date.now();
    for (const appId of appIds) {
      this.deletedApps.delete(appId);
      this.deletedApps.set(appId, now);
    }
    this.pruneDeletedApps(now);
    const current = this.current;
    if (current) await withTimeout(current, this.tuning.forgetWaitMs).catch(() => undefined);
  }

  private bufferedCount(): number {
    return this.queuedCount + (this.inFlight?.count ?? 0);
  }

  private settled(): boolean {
    const done =
      this.writtenCount + this.discardedCount >= this.drainTarget || this.bufferedCount() === 0;
    return done && this.pendingRollups.size === 0;
  }

  private tick(): void {
    if (this.pumping) {
      this.tickMissed = true;
      return;
    }
    if (this.retryTimer || (this.bufferedCount() === 0 && this.pendingRollups.size === 0)) return;
    void this.startPump();
  }

  private kick(): void {
    if (this.kickScheduled || this.pumping || this.retryTimer || this.closed) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      if (!this.pumping && !this.retryTimer) void this.startPump();
    });
  }

  /** Starts the pump unless it runs; resolves to false when the run ended on a failed write. */
  private startPump(): Promise<boolean> {
    if (this.pumping) return this.pumping;
    this.pumping = this.pump()
      .then(() => {
        this.recovered();
        return true;
      })
      .catch((error: unknown) => {
        this.failed(error);
        return false;
      })
      .finally(() => {
        this.pumping = null;
      });
    return this.pumping;
  }

  private async pump(): Promise<void> {
    for (;;) {
      this.encodeQueued();
      if (this.inFlight === null && this.queuedCount > 0) this.inFlight = this.takeBatch();
      if (this.inFlight !== null) {
        const batch = this.withoutDeletedApps(this.inFlight);
        this.inFlight = batch;
        if (batch.count > 0) await this.call(this.store.insertLogs(batch));
        this.inFlight = null;
        this.writtenCount += batch.count;
        this.mergeRollups(batch.rollups.increments());
        if (batch.count > 0) this.logsStoredSinceRollups = true;
      }
      if (this.rollupsDue()) await this.applyPendingRollups();
      const draining = this.writtenCount + this.discardedCount < this.drainTarget;
      const more = this.sealed.size > 0 || (this.queuedCount > 0 && (this.tickMissed || draining));
      this.tickMissed = false;
      if (!more || this.closed) return;
    }
  }

  /**
   * Rollups are applied once per LOG_FLUSH_INTERVAL_MS, not per batch, so that each (app, minute, node) gets
   * one upsert per interval however many batches a busy gateway writes; a flush() applies them at once.
   */
  private rollupsDue(): boolean {
    return (
      this.pendingRollups.size > 0 &&
      (this.rollupsWanted ||
        this.closed ||
        Date.now() - this.rollupsPendingSince >= this.config.logFlushIntervalMs)
    );
  }

  private async applyPendingRollups(): Promise<void> {
    for (const [key, increment] of this.pendingRollups) {
      if (this.deletedApps.has(increment.appId)) this.pendingRollups.delete(key);
    }
    if (this.pendingRollups.size === 0) return this.resetRollups();
    try {
      await this.call(this.store.applyRollups([...this.pendingRollups.values()]));
      this.resetRollups();
    } catch (error) {
      // The database took the logs but not the rollups: after a few tries, give the rollups up rather than
      // hold the logs back behind them.
      if (this.logsStoredSinceRollups && ++this.rollupFailures >= this.tuning.maxRollupFailures) {
        this.logger.error(
          `Giving up ${this.pendingRollups.size} request-stat rollups after ${this.rollupFailures} failures: ${describe(error)}`,
        );
        this.resetRollups();
        return;
      }
      throw error;
    }
  }

  private resetRollups(): void {
    this.pendingRollups.clear();
    this.rollupFailures = 0;
    this.logsStoredSinceRollups = false;
    this.rollupsWanted = false;
  }

  private encodeQueued(): void {
    const entries = this.unencoded;
    if (entries.length === 0) return;
    this.unencoded = [];
    for (const entry of entries) {
      try {
        const batch = (this.filling ??= new LogBatch());
        batch.append(entry);
        if (batch.count >= this.batchSize || batch.byteLength >= MAX_BATCH_BYTES) {
          this.seal();
          this.kick();
        }
      } catch {
        // an entry whose fields cannot even be read (a throwing getter, say)
        this.queuedCount--;
        this.droppedCount++;
      }
    }
  }

  private seal(): void {
    if (this.filling === null) return;
    this.sealed.push(this.filling);
    this.filling = null;
  }

  private takeBatch(): LogBatch {
    if (this.sealed.size === 0) this.seal();
    const [batch] = this.sealed.take(1);
    this.queuedCount -= batch.count;
    return batch;
  }

  private withoutDeletedApps(batch: LogBatch): LogBatch {
    const kept = batch.without(this.deletedApps);
    this.discardedCount += batch.count - kept.count;
    return kept;
  }

  private mergeRollups(increments: RollupIncrement[]): void {
    if (this.pendingRollups.size === 0) this.rollupsPendingSince = Date.now();
    for (const increment of increments) {
      const key = `${increment.appId}\u0000${increment.minute.getTime()}\u0000${increment.node}`;
      const pending = this.pendingRollups.get(key);
      if (!pending) {
        this.pendingRollups.set(key, increment);
        continue;
      }
      addIncrement(pending, increment);
    }
  }

  private async call<T>(operation: Promise<T>): Promise<T> {
    this.current = operation;
    try {
      const ms = this.tuning.writeTimeoutMs;
      return await withTimeout(operation, ms, `the database did not answer within ${ms} ms`);
    } finally {
      this.current = null;
    }
  }

  private recovered(): void {
    if (this.failingSince !== null) {
      this.logger.log(
        `Request-log writes recovered after ${Math.round((Date.now() - this.failingSince) / 1000)} s ` +
          `and ${this.failures} failed attempts; ${this.bufferedCount()} entries buffered`,
      );
    }
    this.failures = 0;
    this.failingSince = null;
  }

  private failed(error: unknown): void {
    this.failures++;
    this.lastError = error;
    if (this.failingSince === null) {
      this.failingSince = Date.now();
      this.logger.warn(
        `Request-log write failed, keeping ${this.bufferedCount()} entries and retrying: ${describe(error)}`,
      );
    }
    if (this.closed) return;
    const delay = Math.min(
      this.tuning.retryMaxMs,
      this.tuning.retryInitialMs * 2 ** Math.min(30, this.failures - 1),
    );
    this.clearRetryTimer();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.startPump();
    }, delay);
    this.retryTimer.unref();
  }

  private clearRetryTimer(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private pruneDeletedApps(now: number): void {
    for (const [appId, deletedAt] of this.deletedApps) {
      if (
        now - deletedAt <= this.deletedAppMemoryMs &&
        this.deletedApps.size <= MAX_REMEMBERED_DELETED_APPS
      ) {
        break;
      }
      this.deletedApps.delete(appId);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message = `no answer within ${ms} ms`,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
