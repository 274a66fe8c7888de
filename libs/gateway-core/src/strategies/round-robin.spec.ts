import { makeNodes } from '../testing/nodes';
import { RoundRobinStrategy } from './round-robin';
import type { BalancedNode, PickContext } from './types';

function sequence(
  strategy: RoundRobinStrategy,
  nodes: readonly BalancedNode[],
  length: number,
  ctx: PickContext = {},
): (string | undefined)[] {
  return Array.from({ length }, () => strategy.pick(nodes, ctx)?.id);
}

describe('RoundRobinStrategy', () => {
  it('cycles through the nodes in order', () => {
    const nodes = makeNodes('a', 'b', 'c');
    expect(sequence(new RoundRobinStrategy(), nodes, 7)).toEqual([
      'a',
      'b',
      'c',
      'a',
      'b',
      'c',
      'a',
    ]);
  });

  it('skips excluded nodes and resumes after the node it returned', () => {
    const strategy = new RoundRobinStrategy();
    const nodes = makeNodes('a', 'b', 'c');
    expect(strategy.pick(nodes, {})?.id).toBe('a');
    expect(strategy.pick(nodes, { exclude: new Set(['b']) })?.id).toBe('c');
    expect(sequence(strategy, nodes, 3)).toEqual(['a', 'b', 'c']);
  });

  it('keeps rotating when the node list is replaced', () => {
    const strategy = new RoundRobinStrategy();
    expect(sequence(strategy, makeNodes('a', 'b', 'c'), 2)).toEqual(['a', 'b']);
    expect(sequence(strategy, makeNodes('a', 'c'), 3)).toEqual(['a', 'c', 'a']);
  });

  it('returns undefined for an empty list or when every node is excluded', () => {
    const strategy = new RoundRobinStrategy();
    expect(strategy.pick([], {})).toBeUndefined();
    expect(strategy.pick(makeNodes('a', 'b'), { exclude: new Set(['a', 'b']) })).toBeUndefined();
  });
});
