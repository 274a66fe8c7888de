import { BUCKET_KEYS, bucketIndex } from './latency-histogram';
import { Interruption } from './request-log-entry';
import {
  addIncrement,
  LEGACY_OVERALL_NODE,
  NO_NODE,
  RollupAccumulator,
  RollupIncrement,
  rollupId,
  rollupUpdate,
  StoredRollup,
  summarizeRollups,
  windowStart,
} from './rollups';

const at = (iso: string) => new Date(iso);

interface Source {
  appId: string;
  date: Date;
  endPoint: string | null;
  responseCode: number;
  totalTimeMs: number;
  interrupted: Interruption | null;
}

function source(overrides: Partial<Source> = {}): Source {
  return {
    appId: 'app1',
    date: at('2026-01-01T10:00:30.500Z'),
    endPoint: '10.0.0.1:80',
    responseCode: 200,
    totalTimeMs: 12,
    interrupted: null,
    ...overrides,
  };
}

function buildRollups(sources: Source[]): RollupIncrement[] {
  const accumulator = new RollupAccumulator();
  for (const { appId, date, ...entry } of sources) {
    accumulator.add(appId, { dateMs: date.getTime(), ...entry });
  }
  return accumulator.increments();
}

describe('RollupAccumulator', () => {
  it('adds each entry to the rollup of its node for the minute, or of NO_NODE when none answered', () => {
    const increments = buildRollups([
      source(),
      source({ totalTimeMs: 700, responseCode: 502 }),
      source({ endPoint: '10.0.0.2:80', date: at('2026-01-01T10:00:59.999Z') }),
      source({ endPoint: null, responseCode: 503, totalTimeMs: 0 }),
      source({ date: at('2026-01-01T10:01:00.000Z') }),
      source({ appId: 'app2' }),
    ]);
    const find = (appId: string, minute: string, node: string) =>
      increments.find(
        (i) => i.appId === appId && i.minute.toISOString() === minute && i.node === node,
      );
    const node1 = find('app1', '2026-01-01T10:00:00.000Z', '10.0.0.1:80');
    expect(node1).toMatchObject({ requests: 2, errors: 1, maxMs: 700 });
    expect(node1?.counts[bucketIndex(12)]).toBe(1);
    expect(node1?.counts[bucketIndex(700)]).toBe(1);
    expect(find('app1', '2026-01-01T10:00:00.000Z', '10.0.0.2:80')).toMatchObject({
      requests: 1,
      errors: 0,
    });
    const none = find('app1', '2026-01-01T10:00:00.000Z', NO_NODE);
    expect(none).toMatchObject({ requests: 1, errors: 1 });
    expect(none?.counts[bucketIndex(0)]).toBe(1);
    expect(find('app1', '2026-01-01T10:01:00.000Z', '10.0.0.1:80')).toMatchObject({ requests: 1 });
    expect(find('app2', '2026-01-01T10:00:00.000Z', '10.0.0.1:80')).toMatchObject({ requests: 1 });
    expect(increments).toHaveLength(5);
  });

  it('counts answers the node cut short as errors, and every interrupted answer as interrupted', () => {
    const increments = buildRollups([
      source({ interrupted: 'node_failed' }),
      source({ interrupted: 'node_timeout' }),
      source({ interrupted: 'client_closed' }),
      source({ interrupted: 'shutdown' }),
      source({ endPoint: null, responseCode: 499, interrupted: 'client_closed' }),
      source(),
    ]);
    const [node, none] = ['10.0.0.1:80', NO_NODE].map((n) => increments.find((i) => i.node === n));
    expect(node).toMatchObject({ requests: 5, errors: 2, interrupted: 4 });
    expect(none).toMatchObject({ requests: 1, errors: 1, interrupted: 1 });
    expect(rollupUpdate(node as RollupIncrement).update.$inc).toMatchObject({
      requests: 5,
      errors: 2,
      interrupted: 4,
    });
  });

  it('makes an upsert by _id that only uses $inc and $max, with non-zero buckets only', () => {
    const [increment] = buildRollups([
      source({ endPoint: null, responseCode: 499, totalTimeMs: 3 }),
    ]);
    const { filter, update } = rollupUpdate(increment);
    expect(filter).toEqual({ _id: 'app1|2026-01-01T10:00:00.000Z|-' });
    expect(update).toEqual({
      $inc: { requests: 1, errors: 1, [`h.${BUCKET_KEYS[bucketIndex(3)]}`]: 1 },
      $max: { maxMs: 3 },
      $setOnInsert: { appId: 'app1', minute: at('2026-01-01T10:00:00.000Z'), node: NO_NODE },
    });
  });

  it('adds one increment of an app, minute and node to another, every count of it', () => {
    const [sum] = buildRollups([source({ interrupted: 'node_failed' }), source()]);
    const [more] = buildRollups([
      source({ totalTimeMs: 700, responseCode: 502, interrupted: 'client_closed' }),
    ]);
    addIncrement(sum, more);
    expect(sum).toMatchObject({ requests: 3, errors: 2, interrupted: 2, maxMs: 700 });
    expect(sum.counts[bucketIndex(12)]).toBe(2);
    expect(sum.counts[bucketIndex(700)]).toBe(1);
  });

  it('gives each app, minute and node its own _id', () => {
    const minute = at('2026-01-01T10:00:00.000Z');
    const ids = [
      rollupId({ appId: 'a', minute, node: NO_NODE }),
      rollupId({ appId: 'a', minute, node: 'n:80' }),
      rollupId({ appId: 'a', minute: at('2026-01-01T10:01:00.000Z'), node: NO_NODE }),
      rollupId({ appId: 'b', minute, node: NO_NODE }),
    ];
    expect(new Set(ids).size).toBe(4);
  });
});

describe('summarizeRollups', () => {
  const [m1, m2] = [at('2026-01-01T10:00:00.000Z'), at('2026-01-01T10:01:00.000Z')];
  /** A stored rollup; `h` gives the latency bucket counts. */
  const row = (
    minute: Date,
    node: string,
    [requests, errors, interrupted]: [number, number, number],
    maxMs: number,
    h: Record<string, number>,
  ): StoredRollup => ({ minute, node, requests, errors, interrupted, maxMs, h });

  it('sums minutes and reports overall and per-node rates and percentiles', () => {
    const rows = [
      row(m1, 'a:80', [40, 2, 2], 180, { le_5: 30, le_200: 10 }),
      row(m1, 'b:80', [20, 0, 0], 4, { le_5: 20 }),
      row(m2, 'a:80', [30, 1, 0], 900, { le_5: 29, le_1000: 1 }),
      row(m2, 'b:80', [10, 0, 0], 3, { le_5: 10 }),
      row(m2, NO_NODE, [2, 2, 1], 1, { le_5: 2 }),
    ];
    expect(summarizeRollups('1h', rows)).toEqual({
      window: '1h',
      requests: 102,
      error_rate: 0.049,
      interrupted: 3,
      p50_ms: 5,
      p95_ms: 200,
      p99_ms: 200,
      nodes: [
        {
          end_point: 'a:80',
          requests: 70,
          error_rate: 0.0429,
          interrupted: 2,
          p50_ms: 5,
          p95_ms: 200,
          p99_ms: 900,
        },
        {
          end_point: 'b:80',
          requests: 30,
          error_rate: 0,
          interrupted: 0,
          p50_ms: 4,
          p95_ms: 4,
          p99_ms: 4,
        },
      ],
    });
  });

  it("counts a minute of an earlier build's rollups overall by its LEGACY_OVERALL_NODE rollup alone", () => {
    const rows = [
      row(m1, LEGACY_OVERALL_NODE, [12, 3, 0], 50, { le_50: 12 }),
      row(m1, 'a:80', [10, 1, 0], 50, { le_50: 10 }),
      row(m2, 'a:80', [5, 0, 0], 4, { le_5: 5 }),
      row(m2, NO_NODE, [1, 1, 0], 1, { le_5: 1 }),
    ];
    const stats = summarizeRollups('5m', rows);
    expect(stats).toMatchObject({ requests: 18, error_rate: 0.2222 });
    expect(stats.nodes).toEqual([expect.objectContaining({ end_point: 'a:80', requests: 15 })]);
  });

  it('reports zero requests and null percentiles for an idle window', () => {
    expect(summarizeRollups('5m', [])).toEqual({
      window: '5m',
      requests: 0,
      error_rate: 0,
      interrupted: 0,
      p50_ms: null,
      p95_ms: null,
      p99_ms: null,
      nodes: [],
    });
  });
});

describe('windowStart', () => {
  it('covers the current minute and the ones before it', () => {
    const now = at('2026-01-01T10:07:42.000Z');
    expect(windowStart('5m', now).toISOString()).toBe('2026-01-01T10:03:00.000Z');
    expect(windowStart('1h', now).toISOString()).toBe('2026-01-01T09:08:00.000Z');
    expect(windowStart('1d', now).toISOString()).toBe('2025-12-31T10:08:00.000Z');
  });
});
