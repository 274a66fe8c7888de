import { mulberry32 } from '../testing/mulberry32';
import { countPicks, makeNodes } from '../testing/nodes';
import { ConsistentHashStrategy } from './consistent-hash';
import type { BalancedNode } from './types';

const KEYS = Array.from({ length: 20_000 }, (_, i) => `client-${i}`);
const STABILITY_TOLERANCE = 0.05;

function assignments(nodes: readonly BalancedNode[]): string[] {
  const strategy = new ConsistentHashStrategy(mulberry32(21));
  return KEYS.map((hashKey) => strategy.pick(nodes, { hashKey })?.id ?? 'none');
}

function nodeIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.0.0.${i + 1}:8080`);
}

describe('ConsistentHashStrategy', () => {
  it('sends the same key to the same node, across instances too', () => {
    const nodes = makeNodes(...nodeIds(5));
    const first = new ConsistentHashStrategy(mulberry32(1));
    const second = new ConsistentHashStrategy(mulberry32(2));
    for (const hashKey of ['alice', 'bob', '203.0.113.7', '']) {
      const expected = first.pick(nodes, { hashKey })?.id;
      expect(first.pick(nodes, { hashKey })?.id).toBe(expected);
      expect(second.pick(makeNodes(...nodeIds(5)), { hashKey })?.id).toBe(expected);
    }
  });

  it('spreads keys over nodes (each of 5 within ±25% of its share)', () => {
    const counts = new Map<string, number>();
    for (const id of assignments(makeNodes(...nodeIds(5)))) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.size).toBe(5);
    for (const count of counts.values()) {
      expect(Math.abs(count - KEYS.length / 5)).toBeLessThanOrEqual((KEYS.length / 5) * 0.25);
    }
  });

  it.each([3, 5, 10])(
    'moves at most 1/N + 5%% of keys, all from the removed node, when one of %i leaves',
    (count) => {
      const ids = nodeIds(count);
      const before = assignments(makeNodes(...ids));
      const removed = ids[1];
      const after = assignments(makeNodes(...ids.filter((id) => id !== removed)));
      let moved = 0;
      for (let i = 0; i < KEYS.length; i++) {
        if (before[i] === after[i]) continue;
        moved++;
        expect(before[i]).toBe(removed);
      }
      expect(moved / KEYS.length).toBeLessThanOrEqual(1 / count + STABILITY_TOLERANCE);
    },
  );

  it.each([3, 5, 10])(
    'moves at most 1/N + 5%% of keys, all onto the new node, when one joins to make %i',
    (count) => {
      const ids = nodeIds(count);
      const added = ids[count - 1];
      const before = assignments(makeNodes(...ids.slice(0, -1)));
      const after = assignments(makeNodes(...ids));
      let moved = 0;
      for (let i = 0; i < KEYS.length; i++) {
        if (before[i] === after[i]) continue;
        moved++;
        expect(after[i]).toBe(added);
      }
      expect(moved / KEYS.length).toBeLessThanOrEqual(1 / count + STABILITY_TOLERANCE);
    },
  );

  it('with exclude, picks what the ring would pick without the excluded nodes', () => {
    const ids = nodeIds(6);
    const nodes = makeNodes(...ids);
    const without = makeNodes(...ids.filter((id) => id !== ids[0] && id !== ids[3]));
    const exclude = new Set([ids[0], ids[3]]);
    const strategy = new ConsistentHashStrategy(mulberry32(22));
    const reference = new ConsistentHashStrategy(mulberry32(23));
    for (const hashKey of KEYS.slice(0, 2_000)) {
      const picked = strategy.pick(nodes, { hashKey, exclude })?.id;
      expect(picked).toBe(reference.pick(without, { hashKey })?.id);
    }
  });

  it('falls back to uniform random picks when there is no hash key (±5% over 30k)', () => {
    const nodes = makeNodes('a', 'b', 'c');
    const strategy = new ConsistentHashStrategy(mulberry32(24));
    const counts = countPicks(() => strategy.pick(nodes, {}), 30_000);
    for (const id of ['a', 'b', 'c']) {
      expect(Math.abs((counts.get(id) ?? 0) - 10_000)).toBeLessThanOrEqual(500);
    }
  });

  it('rebuilds its ring when handed a new node list', () => {
    const strategy = new ConsistentHashStrategy(mulberry32(25));
    expect(strategy.pick(makeNodes('a'), { hashKey: 'k' })?.id).toBe('a');
    expect(strategy.pick(makeNodes('b'), { hashKey: 'k' })?.id).toBe('b');
  });

  it('returns undefined for an empty list or when every node is excluded', () => {
    const strategy = new ConsistentHashStrategy(mulberry32(26));
    const nodes = makeNodes('a', 'b');
    expect(strategy.pick([], { hashKey: 'k' })).toBeUndefined();
    expect(strategy.pick([], {})).toBeUndefined();
    expect(strategy.pick(nodes, { hashKey: 'k', exclude: new Set(['a', 'b']) })).toBeUndefined();
    expect(strategy.pick(nodes, { exclude: new Set(['a', 'b']) })).toBeUndefined();
  });
});
