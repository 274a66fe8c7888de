import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { lookup, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { AddressPolicy, resolveHost } from '../../libs/gateway-core/src/address-policy';
import { ApiError } from '../common/api-error';
import { AppConfig } from '../config/app-config';

@Injectable()
export class NodeAddressPolicy {
  private policy: AddressPolicy | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async assertAllowed(host: string, port: number): Promise<void> {
    let addresses: string[];
    try {
      addresses = await resolveHost(host);
    } catch {
      throw ApiError.badPayload(`host ${host} does not resolve to an address`);
    }
    for (const address of addresses) {
      const verdict = this.current().check(address, port);
      if (!verdict.ok) {
        throw ApiError.badPayload(`host ${host} (${address}) is not allowed: ${verdict.reason}`);
      }
    }
  }

  readonly connectLookup = (
    hostname: string,
    options: LookupOptions & { port: number },
    callback: Parameters<LookupFunction>[2],
  ): void => {
    const { port, ...lookupOptions } = options;
    lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.find((entry) => this.current().check(entry.address, port).ok);
      if (!allowed) {
        const refused = new Error(`${hostname} resolves only to addresses the node policy refuses`);
        return callback(Object.assign(refused, { code: 'ENODEPOLICY' }), '', 0);
      }
      if (lookupOptions.all) return callback(null, [allowed] as never, allowed.family);
      callback(null, allowed.address, allowed.family);
    });
  };

  private current(): AddressPolicy {
    if (!this.policy) {
      this.policy = new AddressPolicy({
        denyCidrs: this.config.nodeDenyCidrs,
        allowCidrs: this.config.nodeAllowCidrs,
        selfAddresses: [{ address: this.config.host, port: this.listeningPort() }],
      });
    }
    return this.policy;
  }

  private listeningPort(): number {
    const address = this.adapterHost.httpAdapter?.getHttpServer()?.address();
    return typeof address === 'object' && address ? address.port : this.config.port;
  }
}
