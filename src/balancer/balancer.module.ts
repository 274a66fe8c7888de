import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthModule } from '../auth/auth.module';
import { RequestLogsModule } from '../request-logs/request-logs.module';
import { UsersModule } from '../users/users.module';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AppsController } from './apps.controller';
import { AppTrafficController } from './app-traffic.controller';
import { AppsService } from './apps.service';
import { ForwardingHandler } from './forwarding/forwarding-handler';
import { PrivateAccess } from './forwarding/private-access';
import { HealthChecker } from './health/health-checker';
import { NodeAddressPolicy } from './node-address-policy';
import { NodesController } from './nodes.controller';
import { AppRegistry } from './registry/app-registry';
import { NodePools } from './registry/node-pools';
import { App, AppSchema } from './schemas/app.schema';
import { Node, NodeSchema } from './schemas/node.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: App.name, schema: AppSchema },
      { name: Node.name, schema: NodeSchema },
    ]),
    UsersModule,
    AuthModule,
    RequestLogsModule,
  ],
  controllers: [AppsController, NodesController, AppTrafficController, ApiKeysController],
  providers: [
    AppsService,
    ApiKeysService,
    AppRegistry,
    NodePools,
    NodeAddressPolicy,
    HealthChecker,
    PrivateAccess,
    ForwardingHandler,
  ],
  exports: [ForwardingHandler, AppsService, AppRegistry],
})
export class BalancerModule {}
