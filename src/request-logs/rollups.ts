import { AppStatsDto, LatencySummaryDto, NodeStatsDto, StatsWindow } from './dto/app-stats.dto';
import {
  addStoredHistogram,
  BUCKET_KEYS,
  bucketIndex,
  BucketCounts,
  emptyCounts,
  percentile,
} from './latency-histogram';
import { RequestLogEntry } from './request-log-entry';

export const OVERALL_NODE = '';
const MINUTE_MS = 60_000;

export const WINDOW_MINUTES: Record<StatsWindow, number> = { '5m': 5, '1h': 60, '1d': 1440 };

export type RollupSource = Pick<
  RequestLogEntry,
  'appId' | 'date' | 'endPoint' | 'responseCode' | 'totalTimeMs'
>;

/** What one flushed batch adds to one (app, minute, node) rollup document. */
export interface RollupIncrement {
  appId: string;
  minute: Date;
  node: string;
  requests: number;
  errors: number;
  maxMs: number;
  counts: BucketCounts;
}

export function truncateToMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** Overall, an error is a 5xx answer or a request no node answered; per node, a 5xx answer from it. */
export function isOverallError(entry: Pick<RequestLogEntry, 'endPoint' | 'responseCode'>): boolean {
  return entry.responseCode >= 500 || !entry.endPoint;
}

/** Groups a batch into one increment per (app, minute, overall) and (app, minute, node). */
export function buildRollups(entries: Iterable<RollupSource>): RollupIncrement[] {
  const byKey = new Map<string, RollupIncrement>();
  const add = (entry: RollupSource, minute: Date, node: string, error: boolean) => {
    const key = `${entry.appId}\u0000${minute.getTime()}\u0000${node}`;
    let increment = byKey.get(key);
    if (!increment) {
      increment = {
        appId: entry.appId,
        minute,
        node,
        requests: 0,
        errors: 0,
        maxMs: 0,
        counts: emptyCounts(),
      };
      byKey.set(key, increment);
    }
    const latency = Number.isFinite(entry.totalTimeMs) ? Math.max(0, entry.totalTimeMs) : 0;
    increment.requests++;
    if (error) increment.errors++;
    increment.maxMs = Math.max(increment.maxMs, latency);
    increment.counts[bucketIndex(latency)]++;
  };
  for (const entry of entries) {
    const minute = truncateToMinute(entry.date);
    add(entry, minute, OVERALL_NODE, isOverallError(entry));
    if (entry.endPoint) add(entry, minute, entry.endPoint, entry.responseCode >= 500);
  }
  return [...byKey.values()];
}

/** The `updateOne` of a bulkWrite that applies an increment (upsert, `$inc` and `$max` only). */
export function rollupUpdate(increment: RollupIncrement): {
  filter: Record<string, unknown>;
  update: Record<string, unknown>;
} {
  const inc: Record<string, number> = { requests: increment.requests, errors: increment.errors };
  increment.counts.forEach((count, i) => {
    if (count > 0) inc[`h.${BUCKET_KEYS[i]}`] = count;
  });
  return {
    filter: { appId: increment.appId, minute: increment.minute, node: increment.node },
    update: { $inc: inc, $max: { maxMs: increment.maxMs } },
  };
}

/** The earliest rollup minute in a window: the current minute and the (n - 1) before it. */
export function windowStart(window: StatsWindow, now: Date): Date {
  return new Date(truncateToMinute(now).getTime() - (WINDOW_MINUTES[window] - 1) * MINUTE_MS);
}

export interface StoredRollup {
  node: string;
  requests?: number;
  errors?: number;
  maxMs?: number;
  h?: Record<string, unknown>;
}

interface Accumulator {
  requests: number;
  errors: number;
  maxMs: number | null;
  counts: BucketCounts;
}

export function summarizeRollups(window: StatsWindow, rows: Iterable<StoredRollup>): AppStatsDto {
  const byNode = new Map<string, Accumulator>();
  for (const row of rows) {
    let acc = byNode.get(row.node);
    if (!acc) {
      acc = { requests: 0, errors: 0, maxMs: null, counts: emptyCounts() };
      byNode.set(row.node, acc);
    }
    acc.requests += numberOr0(row.requests);
    acc.errors += numberOr0(row.errors);
    if (typeof row.maxMs === 'number') acc.maxMs = Math.max(acc.maxMs ?? 0, row.maxMs);
    addStoredHistogram(acc.counts, row.h);
  }
  const overall = byNode.get(OVERALL_NODE);
  const nodes: NodeStatsDto[] = [...byNode.entries()]
    .filter(([node]) => node !== OVERALL_NODE)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([node, acc]) => ({ end_point: node, ...summary(acc) }));
  return { window, ...summary(overall), nodes };
}

function summary(acc: Accumulator | undefined): LatencySummaryDto {
  if (!acc || acc.requests <= 0) {
    return { requests: 0, error_rate: 0, p50_ms: null, p95_ms: null, p99_ms: null };
  }
  return {
    requests: acc.requests,
    error_rate: Math.round((acc.errors / acc.requests) * 10_000) / 10_000,
    p50_ms: percentile(acc.counts, 0.5, acc.maxMs),
    p95_ms: percentile(acc.counts, 0.95, acc.maxMs),
    p99_ms: percentile(acc.counts, 0.99, acc.maxMs),
  };
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
