import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { balancePaths } from './balancer/forwarding/balance-openapi';
import { ErrorResponseDto } from './common/error-response.dto';

export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Simple Load-Balancer')
    .setDescription(
      'Self-service HTTP load balancer and API gateway. Every error has the shape of ErrorResponse. ' +
        'Protected routes accept `Authorization: Bearer <token>` and `Authorization: JWT <token>`.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponseDto] });
  Object.assign(document.paths, balancePaths());
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
