import { AppStatsDto, LatencySummaryDto, NodeStatsDto, StatsWindow } from './dto/app-stats.dto';
import {
  addStoredHistogram,
  BUCKET_KEYS,
  bucketIndex,
  BucketCounts,
  emptyCounts,
  percentile,
} from './latency-histogram';
import { CLIENT_CLOSED_REQUEST, Interruption } from './request-log-entry';
import type { EncodedEntry } from './stored-entry';

/** The rollup node of an app's requests that no node answered: refused, given up on, or failed on every attempt. */
export const NO_NODE = '-';
/**
 * The rollup node under which earlier builds counted every request of the app and minute, next to the
 * per-node rollups; the overall figures are now the sum of a minute's rollups.
 */
export const LEGACY_OVERALL_NODE = '';
const MINUTE_MS = 60_000;

export const WINDOW_MINUTES: Record<StatsWindow, number> = { '5m': 5, '1h': 60, '1d': 1440 };

/** What one flushed batch adds to one (app, minute, node) rollup document. */
export interface RollupIncrement {
  appId: string;
  minute: Date;
  node: string;
  requests: number;
  errors: number;
  interrupted: number;
  maxMs: number;
  counts: BucketCounts;
}

/** What the rollups read of an entry. */
export type RollupSource = Pick<
  EncodedEntry,
  'dateMs' | 'endPoint' | 'responseCode' | 'totalTimeMs' | 'interrupted'
>;

export function truncateToMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / MINUTE_MS) * MINUTE_MS);
}

/**
 * Sums entries into one increment per (app, minute, node that answered or NO_NODE), as they come. Each
 * entry goes to one rollup, so the overall figures, the sum of a minute's rollups, always agree with the
 * nodes' (a read between two upserts sees neither counted twice nor overall ahead of the nodes).
 * An error is a 5xx answer, or one the node cut short (it failed or ran out of time after its status), or
 * a request the client gave up on before any node answered. Interrupted counts the answers that did not
 * reach the client whole, for any reason.
 */
export class RollupAccumulator {
  private readonly byMinute = new Map<number, Map<string, Map<string, RollupIncrement>>>();

  add(appId: string, entry: RollupSource): void {
    const { endPoint, responseCode, totalTimeMs, interrupted } = entry;
    const minuteMs = Math.floor(entry.dateMs / MINUTE_MS) * MINUTE_MS;
    let byApp = this.byMinute.get(minuteMs);
    if (!byApp) {
      byApp = new Map();
      this.byMinute.set(minuteMs, byApp);
    }
    let byNode = byApp.get(appId);
    if (!byNode) {
      byNode = new Map();
      byApp.set(appId, byNode);
    }
    const latency = Number.isFinite(totalTimeMs) ? Math.max(0, totalTimeMs) : 0;
    const bucket = bucketIndex(latency);
    const error =
      responseCode >= 500 ||
      cutByNode(interrupted) ||
      (responseCode === CLIENT_CLOSED_REQUEST && !endPoint);
    addTo(
      byNode,
      appId,
      minuteMs,
      endPoint || NO_NODE,
      bucket,
      latency,
      error,
      interrupted !== null,
    );
  }

  increments(): RollupIncrement[] {
    const all: RollupIncrement[] = [];
    for (const byApp of this.byMinute.values()) {
      for (const byNode of byApp.values()) all.push(...byNode.values());
    }
    return all;
  }
}

function cutByNode(interrupted: Interruption | null): boolean {
  return interrupted === 'node_failed' || interrupted === 'node_timeout';
}

function addTo(
  byNode: Map<string, RollupIncrement>,
  appId: string,
  minuteMs: number,
  node: string,
  bucket: number,
  latency: number,
  error: boolean,
  interrupted: boolean,
): void {
  let increment = byNode.get(node);
  if (!increment) {
    increment = {
      appId,
      minute: new Date(minuteMs),
      node,
      requests: 0,
      errors: 0,
      interrupted: 0,
      maxMs: 0,
      counts: emptyCounts(),
    };
    byNode.set(node, increment);
  }
  increment.requests++;
  if (error) increment.errors++;
  if (interrupted) increment.interrupted++;
  if (latency > increment.maxMs) increment.maxMs = latency;
  increment.counts[bucket]++;
}

/** Adds `increment` to `sum`, an increment of the same app, minute and node. */
export function addIncrement(sum: RollupIncrement, increment: RollupIncrement): void {
  sum.requests += increment.requests;
  sum.errors += increment.errors;
  sum.interrupted += increment.interrupted;
  sum.maxMs = Math.max(sum.maxMs, increment.maxMs);
  increment.counts.forEach((count, i) => (sum.counts[i] += count));
}

/** The `updateOne` of a bulkWrite that applies an increment (upsert, `$inc` and `$max` only). */
export function rollupUpdate(increment: RollupIncrement): {
  filter: Record<string, unknown>;
  update: Record<string, unknown>;
} {
  const inc: Record<string, number> = { requests: increment.requests, errors: increment.errors };
  if (increment.interrupted > 0) inc.interrupted = increment.interrupted;
  increment.counts.forEach((count, i) => {
    if (count > 0) inc[`h.${BUCKET_KEYS[i]}`] = count;
  });
  const { appId, minute, node } = increment;
  return {
    filter: { _id: rollupId(increment) },
    update: { $inc: inc, $max: { maxMs: increment.maxMs }, $setOnInsert: { appId, minute, node } },
  };
}

/**
 * A rollup's `_id`, made of its app, minute and node: an upsert then finds its document by `_id`, which
 * FerretDB looks up in an index, where it scans the whole collection for any other filter.
 */
export function rollupId({
  appId,
  minute,
  node,
}: Pick<RollupIncrement, 'appId' | 'minute' | 'node'>): string {
  return `${appId}|${minute.toISOString()}|${node}`;
}

/** The earliest rollup minute in a window: the current minute and the (n - 1) before it. */
export function windowStart(window: StatsWindow, now: Date): Date {
  return new Date(truncateToMinute(now).getTime() - (WINDOW_MINUTES[window] - 1) * MINUTE_MS);
}

export interface StoredRollup {
  minute?: unknown;
  node: string;
  requests?: number;
  errors?: number;
  interrupted?: number;
  maxMs?: number;
  h?: Record<string, unknown>;
}

interface Accumulator {
  requests: number;
  errors: number;
  interrupted: number;
  maxMs: number | null;
  counts: BucketCounts;
}

/**
 * The stats of a window's rollups. Overall, a minute counts as the sum of its rollups, or as its
 * LEGACY_OVERALL_NODE rollup where an earlier build wrote one (it counted the whole minute, nodes included).
 */
export function summarizeRollups(window: StatsWindow, rows: readonly StoredRollup[]): AppStatsDto {
  const legacyMinutes = new Set<number>();
  for (const row of rows) {
    if (row.node === LEGACY_OVERALL_NODE && row.minute instanceof Date) {
      legacyMinutes.add(row.minute.getTime());
    }
  }
  const inLegacyMinute = (row: StoredRollup) =>
    row.minute instanceof Date && legacyMinutes.has(row.minute.getTime());
  const overall = emptyAccumulator();
  const byNode = new Map<string, Accumulator>();
  for (const row of rows) {
    if (row.node === LEGACY_OVERALL_NODE || !inLegacyMinute(row)) accumulate(overall, row);
    if (row.node === LEGACY_OVERALL_NODE || row.node === NO_NODE) continue;
    let acc = byNode.get(row.node);
    if (!acc) {
      acc = emptyAccumulator();
      byNode.set(row.node, acc);
    }
    accumulate(acc, row);
  }
  const nodes: NodeStatsDto[] = [...byNode.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([node, acc]) => ({ end_point: node, ...summary(acc) }));
  return { window, ...summary(overall), nodes };
}

function emptyAccumulator(): Accumulator {
  return { requests: 0, errors: 0, interrupted: 0, maxMs: null, counts: emptyCounts() };
}

function accumulate(acc: Accumulator, row: StoredRollup): void {
  acc.requests += numberOr0(row.requests);
  acc.errors += numberOr0(row.errors);
  acc.interrupted += numberOr0(row.interrupted);
  if (typeof row.maxMs === 'number') acc.maxMs = Math.max(acc.maxMs ?? 0, row.maxMs);
  addStoredHistogram(acc.counts, row.h);
}

function summary(acc: Accumulator): LatencySummaryDto {
  if (acc.requests <= 0) {
    return { requests: 0, error_rate: 0, interrupted: 0, p50_ms: null, p95_ms: null, p99_ms: null };
  }
  return {
    requests: acc.requests,
    error_rate: Math.round((acc.errors / acc.requests) * 10_000) / 10_000,
    interrupted: acc.interrupted,
    p50_ms: percentile(acc.counts, 0.5, acc.maxMs),
    p95_ms: percentile(acc.counts, 0.95, acc.maxMs),
    p99_ms: percentile(acc.counts, 0.99, acc.maxMs),
  };
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
