import {
  ArgumentMetadata,
  Injectable,
  ValidationError,
  ValidationPipe,
  ValidationPipeOptions,
} from '@nestjs/common';
import { ApiError } from './api-error';
import { rejectsUnknownFields } from './rejects-unknown-fields.decorator';

/** class-validator's constraint for a field that `forbidNonWhitelisted` refuses. */
const UNKNOWN_FIELD = 'whitelistValidation';

const OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => ApiError.badPayload(describeErrors(errors)),
};

/** Validates with class-validator; unknown fields are dropped, or refused for @RejectsUnknownFields() bodies. */
@Injectable()
export class ContractValidationPipe extends ValidationPipe {
  private readonly strict = new ValidationPipe({ ...OPTIONS, forbidNonWhitelisted: true });

  constructor() {
    super(OPTIONS);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      metadata.type === 'body' &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw ApiError.badPayload('The body must be a JSON object');
    }
    if (rejectsUnknownFields(metadata.metatype)) return this.strict.transform(value, metadata);
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
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => {
      if (constraint === UNKNOWN_FIELD) return `${field} is not a known field`;
      return message.startsWith(error.property)
        ? `${field}${message.slice(error.property.length)}`
        : message;
    });
    return [...own, ...problems(error.children ?? [], field)];
  });
}
