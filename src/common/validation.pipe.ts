import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError } from './api-error';

@Injectable()
export class ContractValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => ApiError.badPayload(describeErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      metadata.type === 'body' &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw ApiError.badPayload('The body must be a JSON object');
    }
    return super.transform(value, metadata);
  }
}

/** Each problem once, in order: several constraints of a field may share one message. */
function describeErrors(errors: ValidationError[]): string {
  return [...new Set(problems(errors))].join('; ');
}

function problems(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property)
        ? `${field}${message.slice(error.property.length)}`
        : message,
    );
    return [...own, ...problems(error.children ?? [], field)];
  });
}
