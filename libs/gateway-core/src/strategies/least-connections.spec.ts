import { mulberry32 } from '../testing/mulberry32';
import { countPicks, makeNode } from '../testing/nodes';
import { LeastConnectionsStrategy } from './least-connections';

describe('LeastConnectionsStrategy', () => {
  const PICKS = 30_000;

  it('always prefers the less loaded of two nodes', () => {
    const strategy = new LeastConnectionsStrategy(mulberry32(11));
    const nodes = [makeNode('busy', 1, 7), makeNode('idle', 1, 2)];
    const counts = countPicks(() => strategy.pick(nodes, {}), 1_000);
    expect(Object.fromEntries(counts)).toEqual({ idle: 1_000 });
  });

  it('never picks the most loaded of three and favours the least loaded 2:1 (±5%)', () => {
    const strategy = new LeastConnectionsStrategy(mulberry32(12));
    const nodes = [makeNode('low', 1, 0), makeNode('mid', 1, 5), makeNode('high', 1, 10)];
    const counts = countPicks(() => strategy.pick(nodes, {}), PICKS);
    expect(counts.has('high')).toBe(false);
    const expectedLow = (PICKS * 2) / 3;
    expect(Math.abs((counts.get('low') ?? 0) - expectedLow)).toBeLessThanOrEqual(
      expectedLow * 0.05,
    );
  });

  it('follows load changes between picks', () => {
    const strategy = new LeastConnectionsStrategy(mulberry32(13));
    const a = makeNode('a');
    const b = makeNode('b');
    for (let i = 0; i < 100; i++) {
      const node = strategy.pick([a, b], {});
      if (node === undefined) throw new Error('expected a node');
      node.activeRequests++;
      expect(Math.abs(a.activeRequests - b.activeRequests)).toBeLessThanOrEqual(1);
    }
  });

  it('breaks load ties by the higher weight', () => {
    const strategy = new LeastConnectionsStrategy(mulberry32(14));
    const nodes = [makeNode('light', 1, 3), makeNode('heavy', 4, 3)];
    const counts = countPicks(() => strategy.pick(nodes, {}), 1_000);
    expect(Object.fromEntries(counts)).toEqual({ heavy: 1_000 });
  });

  it('breaks full ties uniformly at random (±5% over 30k picks)', () => {
    const strategy = new LeastConnectionsStrategy(mulberry32(15));
    const nodes = [makeNode('a'), makeNode('b'), makeNode('c')];
    const counts = countPicks(() => strategy.pick(nodes, {}), PICKS);
    for (const id of ['a', 'b', 'c']) {
      expect(Math.abs((counts.get(id) ?? 0) - PICKS / 3)).toBeLessThanOrEqual((PICKS / 3) * 0.05);
    }
  });

  it('honours exclude even when the excluded node is the least loaded', () => {
    const strategy = new LeastConnectionsStrategy(mulberry32(16));
    const nodes = [makeNode('idle', 1, 0), makeNode('a', 1, 4), makeNode('b', 1, 9)];
    const exclude = new Set(['idle']);
    const counts = countPicks(() => strategy.pick(nodes, { exclude }), 1_000);
    expect(Object.fromEntries(counts)).toEqual({ a: 1_000 });
  });

  it('returns the only candidate, or undefined when there is none', () => {
    const strategy = new LeastConnectionsStrategy(mulberry32(17));
    const nodes = [makeNode('a', 1, 50), makeNode('b')];
    expect(strategy.pick(nodes, { exclude: new Set(['b']) })?.id).toBe('a');
    expect(strategy.pick(nodes, { exclude: new Set(['a', 'b']) })).toBeUndefined();
    expect(strategy.pick([], {})).toBeUndefined();
  });
});
