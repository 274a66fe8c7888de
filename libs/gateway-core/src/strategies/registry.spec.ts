import { mulberry32 } from '../testing/mulberry32';
import { makeNode } from '../testing/nodes';
import { STRATEGY_NAMES, isStrategyName, strategyFactories } from './registry';

describe('strategy registry', () => {
  it('has exactly one factory per strategy name', () => {
    expect(Object.keys(strategyFactories).sort()).toEqual([...STRATEGY_NAMES].sort());
    expect(STRATEGY_NAMES).toEqual([
      'random',
      'round-robin',
      'weighted-round-robin',
      'least-connections',
      'consistent-hash',
    ]);
  });

  it('recognises strategy names and nothing else', () => {
    for (const name of STRATEGY_NAMES) expect(isStrategyName(name)).toBe(true);
    for (const value of ['RANDOM', 'toString', '__proto__', '', 42, undefined]) {
      expect(isStrategyName(value)).toBe(false);
    }
  });

  it('creates independent instances', () => {
    for (const name of STRATEGY_NAMES) {
      expect(strategyFactories[name]()).not.toBe(strategyFactories[name]());
    }
  });

  describe.each(STRATEGY_NAMES)('%s', (name) => {
    it('returns undefined for an empty node list', () => {
      const strategy = strategyFactories[name](mulberry32(31));
      expect(strategy.pick([], {})).toBeUndefined();
      expect(strategy.pick([], { hashKey: 'k', exclude: new Set(['a']) })).toBeUndefined();
    });

    it('always honours exclude and returns undefined once every node was tried', () => {
      const random = mulberry32(32);
      const strategy = strategyFactories[name](mulberry32(33));
      const nodes = Array.from({ length: 6 }, (_, i) =>
        makeNode(`n${i}`, 1 + Math.floor(random() * 4), Math.floor(random() * 5)),
      );
      for (let request = 0; request < 500; request++) {
        const ctx = { hashKey: `key-${request % 37}`, exclude: new Set<string>() };
        for (let attempt = 0; attempt < nodes.length; attempt++) {
          const node = strategy.pick(nodes, ctx);
          if (node === undefined) throw new Error(`no node on attempt ${attempt}`);
          expect(ctx.exclude.has(node.id)).toBe(false);
          ctx.exclude.add(node.id);
        }
        expect(strategy.pick(nodes, ctx)).toBeUndefined();
      }
    });
  });
});
