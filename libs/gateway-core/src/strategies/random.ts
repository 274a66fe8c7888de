import { pickUniform } from './eligibility';
import type { BalancedNode, BalancingStrategy, PickContext } from './types';

export class RandomStrategy implements BalancingStrategy {
  constructor(private readonly random: () => number = Math.random) {}

  pick(nodes: readonly BalancedNode[], ctx: PickContext): BalancedNode | undefined {
    return pickUniform(nodes, ctx.exclude, this.random);
  }
}
