import { Injectable } from '@nestjs/common';
import { Pool } from 'undici';
import { AppConfig } from '../../config/app-config';
import { NodeAddressPolicy } from '../node-address-policy';
import { endPointOf } from './live-node';

const MAX_CONNECTIONS_PER_NODE = 256;
const KEEP_ALIVE_TIMEOUT_MS = 4000;

@Injectable()
export class NodePools {
  constructor(
    private readonly policy: NodeAddressPolicy,
    private readonly config: AppConfig,
  ) {}

  create(host: string, port: number, connectTimeoutMs: number): Pool {
    return this.pool(host, port, MAX_CONNECTIONS_PER_NODE, connectTimeoutMs);
  }

  createProbe(host: string, port: number): Pool {
    return this.pool(host, port, 1, this.config.healthcheckTimeoutMs);
  }

  private pool(host: string, port: number, connections: number, connectTimeoutMs: number): Pool {
    return new Pool(`http://${endPointOf(host, port)}`, {
      connections,
      pipelining: 1,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connect: {
        timeout: connectTimeoutMs,
        lookup: (hostname, options, callback) =>
          this.policy.connectLookup(hostname, { ...options, port }, callback),
      },
    });
  }
}
