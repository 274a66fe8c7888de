import { mulberry32 } from '../testing/mulberry32';
import { countPicks, makeNodes } from '../testing/nodes';
import { RandomStrategy } from './random';

describe('RandomStrategy', () => {
  const PICKS = 30_000;

  it('picks uniformly: each of 3 nodes within ±5% of its share over 30k picks', () => {
    const nodes = makeNodes('a', 'b', 'c');
    const strategy = new RandomStrategy(mulberry32(1));
    const counts = countPicks(() => strategy.pick(nodes, {}), PICKS);
    for (const id of ['a', 'b', 'c']) {
      expect(Math.abs((counts.get(id) ?? 0) - PICKS / 3)).toBeLessThanOrEqual((PICKS / 3) * 0.05);
    }
  });

  it('picks uniformly among the nodes that are not excluded', () => {
    const nodes = makeNodes('a', 'b', 'c', 'd');
    const strategy = new RandomStrategy(mulberry32(2));
    const exclude = new Set(['b', 'd']);
    const counts = countPicks(() => strategy.pick(nodes, { exclude }), PICKS);
    expect([...counts.keys()].sort()).toEqual(['a', 'c']);
    expect(Math.abs((counts.get('a') ?? 0) - PICKS / 2)).toBeLessThanOrEqual((PICKS / 2) * 0.05);
  });

  it('maps the generator output onto the node list in order', () => {
    const nodes = makeNodes('a', 'b', 'c');
    const values = [0, 0.34, 0.99];
    const strategy = new RandomStrategy(() => values.shift() ?? 0);
    expect([0, 1, 2].map(() => strategy.pick(nodes, {})?.id)).toEqual(['a', 'b', 'c']);
  });

  it('returns undefined for an empty list or when every node is excluded', () => {
    const strategy = new RandomStrategy(mulberry32(3));
    expect(strategy.pick([], {})).toBeUndefined();
    expect(strategy.pick(makeNodes('a'), { exclude: new Set(['a']) })).toBeUndefined();
  });
});
