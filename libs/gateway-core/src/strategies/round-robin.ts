import { isEligible } from './eligibility';
import type { BalancedNode, BalancingStrategy, PickContext } from './types';

export class RoundRobinStrategy implements BalancingStrategy {
  private cursor = 0;

  pick(nodes: readonly BalancedNode[], ctx: PickContext): BalancedNode | undefined {
    const count = nodes.length;
    for (let step = 0; step < count; step++) {
      const index = (this.cursor + step) % count;
      const node = nodes[index];
      if (isEligible(node, ctx.exclude)) {
        this.cursor = index + 1 === count ? 0 : index + 1;
        return node;
      }
    }
    return undefined;
  }
}
