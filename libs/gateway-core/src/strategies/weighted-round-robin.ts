import { isEligible } from './eligibility';
import { weightOf } from './node-weight';
import type { BalancedNode, BalancingStrategy, PickContext } from './types';

/**
 * nginx's smooth weighted round robin (ngx_http_upstream_get_peer) with static weights.
 * Excluded nodes sit the round out, as nginx does with peers already tried.
 */
export class WeightedRoundRobinStrategy implements BalancingStrategy {
  private members: readonly BalancedNode[] = [];
  private currentWeights = new Float64Array(0);

  pick(nodes: readonly BalancedNode[], ctx: PickContext): BalancedNode | undefined {
    if (nodes !== this.members) this.adopt(nodes);
    const current = this.currentWeights;
    let best = -1;
    let total = 0;
    for (let i = 0; i < nodes.length; i++) {
      if (!isEligible(nodes[i], ctx.exclude)) continue;
      const weight = weightOf(nodes[i]);
      current[i] += weight;
      total += weight;
      if (best === -1 || current[i] > current[best]) best = i;
    }
    if (best === -1) return undefined;
    current[best] -= total;
    return nodes[best];
  }

  /** Carries current weights over by id so membership churn does not restart the cycle. */
  private adopt(nodes: readonly BalancedNode[]): void {
    const previous = new Map<string, number>();
    for (let i = 0; i < this.members.length; i++) {
      previous.set(this.members[i].id, this.currentWeights[i]);
    }
    const current = new Float64Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      current[i] = previous.get(nodes[i].id) ?? 0;
    }
    this.members = nodes;
    this.currentWeights = current;
  }
}
