import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { ForwardingHandler } from './balancer/forwarding/forwarding-handler';
import { routeBalancedRequests } from './balancer/forwarding/route-balanced-requests';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { answerProtocolErrors } from './common/protocol-errors';
import { requestIdMiddleware } from './common/request-id.middleware';
import { ContractValidationPipe } from './common/validation.pipe';
import { AppConfig } from './config/app-config';
import { setupSwagger } from './swagger';

export async function createApp(
  config: AppConfig,
  mongodbUri: string,
  logger: LoggerService,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config, mongodbUri),
    new ExpressAdapter(),
    {
      bodyParser: false,
      logger,
      httpsOptions: config.tls && { cert: config.tls.cert, key: config.tls.key },
    },
  );
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestIdMiddleware);
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(new ContractValidationPipe());
  setupSwagger(app);
  await app.init();
  routeBalancedRequests(app.getHttpServer(), app.get(ForwardingHandler));
  answerProtocolErrors(app.getHttpServer());
  return app;
}
