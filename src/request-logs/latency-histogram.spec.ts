import {
  addStoredHistogram,
  BUCKET_KEYS,
  bucketIndex,
  emptyCounts,
  LATENCY_BOUNDS_MS,
  percentile,
} from './latency-histogram';

function histogramOf(latencies: number[]): number[] {
  const counts = emptyCounts();
  for (const latency of latencies) counts[bucketIndex(latency)]++;
  return counts;
}

describe('latency histogram', () => {
  it('puts a latency in the first bucket whose bound is >= the latency', () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(1.01)).toBe(1);
    expect(bucketIndex(5)).toBe(2);
    expect(bucketIndex(6)).toBe(3);
    expect(bucketIndex(60000)).toBe(LATENCY_BOUNDS_MS.length - 2);
    expect(bucketIndex(60001)).toBe(LATENCY_BOUNDS_MS.length - 1);
    expect(bucketIndex(Number.NaN)).toBe(0);
    expect(BUCKET_KEYS[0]).toBe('le_1');
    expect(BUCKET_KEYS[BUCKET_KEYS.length - 1]).toBe('le_inf');
  });

  it('returns the upper bound of the bucket where the cumulative count reaches the nearest rank', () => {
    // 90 x 3 ms (bucket <= 5), 9 x 150 ms (<= 200), 1 x 800 ms (<= 1000)
    const counts = histogramOf([...Array(90).fill(3), ...Array(9).fill(150), 800]);
    expect(percentile(counts, 0.5, 800)).toBe(5);
    expect(percentile(counts, 0.9, 800)).toBe(5); // rank 90 is the last 3 ms request
    expect(percentile(counts, 0.95, 800)).toBe(200);
    expect(percentile(counts, 0.99, 800)).toBe(200); // rank 99
    expect(percentile(counts, 1, 800)).toBe(800); // capped at the max observed
  });

  it('stays within one bucket of the exact percentile for a spread of latencies', () => {
    const latencies = Array.from({ length: 1000 }, (_, i) => (i * 37) % 4000);
    const sorted = [...latencies].sort((a, b) => a - b);
    const counts = histogramOf(latencies);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1];
      const estimate = percentile(counts, q, sorted[sorted.length - 1]) as number;
      expect(estimate).toBeGreaterThanOrEqual(exact);
      expect(bucketIndex(estimate)).toBe(bucketIndex(exact));
    }
  });

  it('caps the answer at the largest latency observed, which also answers the unbounded bucket', () => {
    expect(percentile(histogramOf([3, 3, 3]), 0.5, 3)).toBe(3);
    expect(percentile(histogramOf([70000, 90000]), 0.99, 90000)).toBe(90000);
    expect(percentile(histogramOf([70000]), 0.5, null)).toBe(60000);
  });

  it('is null for an empty histogram', () => {
    expect(percentile(emptyCounts(), 0.5, null)).toBeNull();
  });

  it('adds stored histograms, ignoring unknown and non-numeric fields', () => {
    const counts = emptyCounts();
    addStoredHistogram(counts, { le_1: 2, le_inf: 1, le_3: 5, le_5: 'x' });
    addStoredHistogram(counts, { le_1: 1 });
    addStoredHistogram(counts, undefined);
    expect(counts[0]).toBe(3);
    expect(counts[2]).toBe(0);
    expect(counts[counts.length - 1]).toBe(1);
  });
});
