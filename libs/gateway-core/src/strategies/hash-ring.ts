import { hashString } from './hash';
import type { BalancedNode } from './types';

export const VIRTUAL_NODES_PER_NODE = 160;

interface RingPoint {
  readonly hash: number;
  readonly owner: number;
  readonly ownerId: string;
}

/** Sorted virtual-node hashes with the index (into the source array) of each point's owner. */
export class HashRing {
  private constructor(
    private readonly hashes: Uint32Array,
    private readonly owners: Uint32Array,
  ) {}

  static build(
    nodes: readonly BalancedNode[],
    virtualNodes: number = VIRTUAL_NODES_PER_NODE,
  ): HashRing {
    const points: RingPoint[] = [];
    for (let owner = 0; owner < nodes.length; owner++) {
      const ownerId = nodes[owner].id;
      for (let replica = 0; replica < virtualNodes; replica++) {
        points.push({ hash: hashString(`${ownerId}#${replica}`), owner, ownerId });
      }
    }
    points.sort(compareRingPoints);
    const hashes = new Uint32Array(points.length);
    const owners = new Uint32Array(points.length);
    for (let i = 0; i < points.length; i++) {
      hashes[i] = points[i].hash;
      owners[i] = points[i].owner;
    }
    return new HashRing(hashes, owners);
  }

  get size(): number {
    return this.hashes.length;
  }

  /** Position of the first point at or after `hash`, wrapping to 0 past the last point. */
  locate(hash: number): number {
    const hashes = this.hashes;
    let low = 0;
    let high = hashes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (hashes[mid] < hash) low = mid + 1;
      else high = mid;
    }
    return low === hashes.length ? 0 : low;
  }

  ownerAt(position: number): number {
    return this.owners[position];
  }
}

function compareRingPoints(a: RingPoint, b: RingPoint): number {
  if (a.hash !== b.hash) return a.hash - b.hash;
  if (a.ownerId === b.ownerId) return 0;
  return a.ownerId < b.ownerId ? -1 : 1;
}
