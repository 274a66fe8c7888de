/**
 * Fixed latency buckets for the per-minute rollups. A bucket counts latencies `<= bound` (and greater than the
 * previous bound); the last bucket is unbounded. The bounds are part of the stored data (field names are
 * `le_<bound>`), so changing them only adds new fields; old rollups stay readable.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  1000,
  2000,
  5000,
  10000,
  30000,
  60000,
  Infinity,
];

export const BUCKET_KEYS: readonly string[] = LATENCY_BOUNDS_MS.map((bound) =>
  Number.isFinite(bound) ? `le_${bound}` : 'le_inf',
);

export function bucketIndex(latencyMs: number): number {
  const value = Number.isFinite(latencyMs) ? latencyMs : 0;
  for (let i = 0; i < LATENCY_BOUNDS_MS.length - 1; i++) {
    if (value <= LATENCY_BOUNDS_MS[i]) return i;
  }
  return LATENCY_BOUNDS_MS.length - 1;
}

export type BucketCounts = number[];

export function emptyCounts(): BucketCounts {
  return new Array<number>(LATENCY_BOUNDS_MS.length).fill(0);
}

/** Adds a stored histogram (`{ le_1: 3, le_inf: 1 }`, missing keys = 0) into `counts`. */
export function addStoredHistogram(
  counts: BucketCounts,
  stored: Record<string, unknown> | undefined,
): void {
  if (!stored) return;
  for (let i = 0; i < BUCKET_KEYS.length; i++) {
    const value = stored[BUCKET_KEYS[i]];
    if (typeof value === 'number' && Number.isFinite(value)) counts[i] += value;
  }
}

/**
 * The q-quantile (0 < q <= 1) of a histogram, nearest-rank: rank = ceil(q * total); the answer is the upper
 * bound of the first bucket whose cumulative count reaches the rank, capped at `maxObservedMs` (the largest
 * latency seen, which is also the answer when the rank falls in the unbounded bucket). The true value lies in
 * that bucket, so the error is at most one bucket. `null` when the histogram is empty.
 */
export function percentile(
  counts: BucketCounts,
  q: number,
  maxObservedMs: number | null,
): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    cumulative += counts[i];
    if (cumulative >= rank) {
      const bound = LATENCY_BOUNDS_MS[i];
      if (maxObservedMs === null) return Number.isFinite(bound) ? bound : LATENCY_BOUNDS_MS[i - 1];
      return Math.min(bound, maxObservedMs);
    }
  }
  return maxObservedMs;
}
