import { countEligible, isEligible, pickUniform } from './eligibility';
import { hashString } from './hash';
import { HashRing } from './hash-ring';
import type { BalancedNode, BalancingStrategy, PickContext } from './types';

/**
 * Hash ring with virtual nodes. Without a hash key it picks uniformly at random; with exclusions
 * it walks clockwise to the next point owned by a node not yet tried.
 */
export class ConsistentHashStrategy implements BalancingStrategy {
  private members: readonly BalancedNode[] | undefined;
  private ring: HashRing | undefined;

  constructor(private readonly random: () => number = Math.random) {}

  pick(nodes: readonly BalancedNode[], ctx: PickContext): BalancedNode | undefined {
    const exclude = ctx.exclude;
    if (ctx.hashKey === undefined) return pickUniform(nodes, exclude, this.random);
    if (countEligible(nodes, exclude) === 0) return undefined;
    const ring = this.ringFor(nodes);
    const size = ring.size;
    let position = ring.locate(hashString(ctx.hashKey));
    for (let step = 0; step < size; step++) {
      const node = nodes[ring.ownerAt(position)];
      if (isEligible(node, exclude)) return node;
      position = position + 1 === size ? 0 : position + 1;
    }
    return undefined;
  }

  private ringFor(nodes: readonly BalancedNode[]): HashRing {
    if (nodes !== this.members || this.ring === undefined) {
      this.ring = HashRing.build(nodes);
      this.members = nodes;
    }
    return this.ring;
  }
}
