import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { BalancerModule } from '../balancer/balancer.module';
import { RequestLogsModule } from '../request-logs/request-logs.module';
import { HealthController } from './health.controller';
import { HttpDrain } from './http-drain';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { TlsCertificateReloader } from './tls-certificate-reloader';

@Module({
  imports: [BalancerModule, RequestLogsModule, AuditModule],
  controllers: [HealthController, MetricsController],
  providers: [MetricsService, HttpDrain, TlsCertificateReloader],
})
export class OpsModule {}
