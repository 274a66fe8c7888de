import { makeNode } from '../testing/nodes';
import { weightOf } from './node-weight';

describe('weightOf', () => {
  it('uses positive finite weights as they are', () => {
    expect(weightOf(makeNode('a', 3))).toBe(3);
    expect(weightOf(makeNode('a', 0.5))).toBe(0.5);
  });

  it.each([0, -2, Number.NaN, Infinity])('treats weight %p as 1', (weight) => {
    expect(weightOf(makeNode('a', weight))).toBe(1);
  });
});
