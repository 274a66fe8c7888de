import { countPicks, makeNode, makeNodes } from '../testing/nodes';
import type { BalancedNode, PickContext } from './types';
import { WeightedRoundRobinStrategy } from './weighted-round-robin';

function sequence(
  strategy: WeightedRoundRobinStrategy,
  nodes: readonly BalancedNode[],
  length: number,
  ctx: PickContext = {},
): (string | undefined)[] {
  return Array.from({ length }, () => strategy.pick(nodes, ctx)?.id);
}

describe('WeightedRoundRobinStrategy', () => {
  it('produces nginx smooth sequence a,a,b,a,c,a,a for weights 5,1,1, cycle after cycle', () => {
    const nodes = [makeNode('a', 5), makeNode('b', 1), makeNode('c', 1)];
    const cycle = ['a', 'a', 'b', 'a', 'c', 'a', 'a'];
    expect(sequence(new WeightedRoundRobinStrategy(), nodes, 14)).toEqual([...cycle, ...cycle]);
  });

  it('degrades to plain round robin with equal weights', () => {
    const nodes = makeNodes('a', 'b', 'c');
    expect(sequence(new WeightedRoundRobinStrategy(), nodes, 6)).toEqual([
      'a',
      'b',
      'c',
      'a',
      'b',
      'c',
    ]);
  });

  it('serves nodes exactly in proportion to their weights over whole cycles', () => {
    const strategy = new WeightedRoundRobinStrategy();
    const nodes = [makeNode('a', 3), makeNode('b', 2), makeNode('c', 1)];
    const counts = countPicks(() => strategy.pick(nodes, {}), 600);
    expect(Object.fromEntries(counts)).toEqual({ a: 300, b: 200, c: 100 });
  });

  it('lets excluded nodes sit the round out', () => {
    const strategy = new WeightedRoundRobinStrategy();
    const nodes = [makeNode('a', 5), makeNode('b', 1), makeNode('c', 1)];
    const exclude = new Set(['a']);
    expect(sequence(strategy, nodes, 4, { exclude })).toEqual(['b', 'c', 'b', 'c']);
  });

  it('carries current weights over by id when the node list is replaced', () => {
    const strategy = new WeightedRoundRobinStrategy();
    const a = makeNode('a', 5);
    const b = makeNode('b', 1);
    const c = makeNode('c', 1);
    expect(sequence(strategy, [a, b, c], 3)).toEqual(['a', 'a', 'b']);
    // current weights are now a=1, c=3; starting [a, c] from zero would give a,a,a,c instead
    expect(sequence(strategy, [a, c], 4)).toEqual(['a', 'a', 'c', 'a']);
  });

  it('returns undefined for an empty list or when every node is excluded', () => {
    const strategy = new WeightedRoundRobinStrategy();
    expect(strategy.pick([], {})).toBeUndefined();
    expect(strategy.pick(makeNodes('a'), { exclude: new Set(['a']) })).toBeUndefined();
  });
});
