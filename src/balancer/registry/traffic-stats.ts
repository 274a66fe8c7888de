export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;

const BUCKET_BOUNDS_MS = LATENCY_BUCKETS_SECONDS.map((seconds) => seconds * 1000);

export class TrafficStats {
  readonly bucketCounts = new Float64Array(LATENCY_BUCKETS_SECONDS.length + 1);
  latencySumSeconds = 0;
  readonly byStatus = new Map<number, number>();

  observe(status: number, totalMs: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.latencySumSeconds += totalMs / 1000;
    let bucket = 0;
    while (bucket < BUCKET_BOUNDS_MS.length && totalMs > BUCKET_BOUNDS_MS[bucket]) bucket++;
    this.bucketCounts[bucket]++;
  }

  get count(): number {
    let total = 0;
    for (const value of this.byStatus.values()) total += value;
    return total;
  }
}
