import { makeNodes } from '../testing/nodes';
import { countEligible, nthEligible, pickUniform, randomIndex } from './eligibility';

describe('eligibility helpers', () => {
  const nodes = makeNodes('a', 'b', 'c', 'd');

  it('counts every node when nothing is excluded', () => {
    expect(countEligible(nodes, undefined)).toBe(4);
    expect(countEligible(nodes, new Set())).toBe(4);
  });

  it('counts only nodes outside the exclusion set', () => {
    expect(countEligible(nodes, new Set(['b', 'd', 'unknown']))).toBe(2);
  });

  it('finds the n-th eligible node, skipping excluded ones', () => {
    const exclude = new Set(['a', 'c']);
    expect(nthEligible(nodes, exclude, 0).id).toBe('b');
    expect(nthEligible(nodes, exclude, 1).id).toBe('d');
    expect(() => nthEligible(nodes, exclude, 2)).toThrow(RangeError);
  });

  it('keeps random indexes inside the bound even if the generator returns 1', () => {
    expect(randomIndex(() => 0, 3)).toBe(0);
    expect(randomIndex(() => 0.999, 3)).toBe(2);
    expect(randomIndex(() => 1, 3)).toBe(2);
  });

  it('returns undefined from pickUniform when nothing is eligible', () => {
    expect(pickUniform([], undefined, () => 0.5)).toBeUndefined();
    expect(pickUniform(nodes, new Set(['a', 'b', 'c', 'd']), () => 0.5)).toBeUndefined();
  });
});
