import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BalancerModule } from './balancer/balancer.module';
import { JsonBodyMiddleware } from './common/json-body.middleware';
import { RateLimitModule } from './common/rate-limit.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { OpsModule } from './ops/ops.module';
import { RequestLogsModule } from './request-logs/request-logs.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule implements NestModule {
  static register(config: AppConfig, mongodbUri: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MongooseModule.forRoot(mongodbUri, {
          bufferCommands: false,
          serverSelectionTimeoutMS: 5000,
          socketTimeoutMS: 30000,
          // a connection checkout has no time limit otherwise
          waitQueueTimeoutMS: 10000,
          retryAttempts: 3,
        }),
        RateLimitModule,
        UsersModule,
        AuthModule,
        AuditModule,
        OpsModule,
        BalancerModule,
        RequestLogsModule,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
