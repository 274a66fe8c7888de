import { makeNodes } from '../testing/nodes';
import { HashRing, VIRTUAL_NODES_PER_NODE } from './hash-ring';

describe('HashRing', () => {
  const nodes = makeNodes('a', 'b', 'c');

  it('places VIRTUAL_NODES_PER_NODE points per node', () => {
    const ring = HashRing.build(nodes);
    expect(ring.size).toBe(3 * VIRTUAL_NODES_PER_NODE);
    const owned = [0, 0, 0];
    for (let position = 0; position < ring.size; position++) owned[ring.ownerAt(position)]++;
    expect(owned).toEqual([VIRTUAL_NODES_PER_NODE, VIRTUAL_NODES_PER_NODE, VIRTUAL_NODES_PER_NODE]);
  });

  it('locates the first point at or after a hash and wraps past the last one', () => {
    const ring = HashRing.build(nodes, 4);
    expect(ring.locate(0)).toBe(0);
    expect(ring.locate(0xffffffff)).toBe(0);
    const middle = ring.locate(0x80000000);
    expect(middle).toBeGreaterThan(0);
    expect(middle).toBeLessThan(ring.size);
  });

  it('is independent of node order apart from owner indexes', () => {
    const forward = HashRing.build(nodes);
    const reversed = HashRing.build([...nodes].reverse());
    for (let position = 0; position < forward.size; position++) {
      expect(nodes[forward.ownerAt(position)].id).toBe(
        [...nodes].reverse()[reversed.ownerAt(position)].id,
      );
    }
  });

  it('is empty for no nodes', () => {
    expect(HashRing.build([]).size).toBe(0);
  });
});
