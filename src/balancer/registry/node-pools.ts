import { Injectable } from '@nestjs/common';
import { Pool } from 'undici';
import { NodeAddressPolicy } from '../node-address-policy';

const MAX_CONNECTIONS_PER_NODE = 256;
const KEEP_ALIVE_TIMEOUT_MS = 4000;

@Injectable()
export class NodePools {
  constructor(private readonly policy: NodeAddressPolicy) {}

  create(host: string, port: number, connectTimeoutMs: number): Pool {
    const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    return new Pool(`http://${authority}`, {
      connections: MAX_CONNECTIONS_PER_NODE,
      pipelining: 1,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connect: { timeout: connectTimeoutMs, lookup: this.policy.connectLookup },
    });
  }
}
