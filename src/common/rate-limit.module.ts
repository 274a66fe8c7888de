import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ClientIpResolver } from './client-ip';
import { RateLimits } from './rate-limit.service';

/**
 * Global: the limiters are shared state (a failed DELETE /api/users counts like a failed login), and
 * ClientIpResolver, built once from TRUSTED_PROXIES, is what every module uses to name the client.
 */
@Global()
@Module({
  providers: [
    RateLimits,
    {
      provide: ClientIpResolver,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new ClientIpResolver(config.trustedProxyCidrs),
    },
  ],
  exports: [RateLimits, ClientIpResolver],
})
export class RateLimitModule {}
