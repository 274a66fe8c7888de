import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';
import { ErrorCode } from '../../libs/gateway-core/src/error-codes';

export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 409 })
  status_code: number;

  @ApiProperty({ enum: Object.values(ErrorCode), example: '02' })
  error: ErrorCode;

  @ApiProperty({ example: 'There is already a user registered with that email' })
  description: string;

  @ApiProperty({ example: '6f1c1d6e-7f5a-4c43-9b58-1b1f0e1e2f3a' })
  request_id: string;
}

const MEANING: Record<number, string> = {
  400: 'Bad payload (error "01"): malformed JSON, wrong types or failed validation',
  401: 'Missing, malformed, expired or forged token; wrong email or password (error "05")',
  403: 'The app belongs to someone else (error "06")',
  404: 'The named thing does not exist (error "02")',
  409: 'The named thing already exists (error "02")',
  413: 'Body too large (error "08")',
  429: 'Rate limit exceeded (error "07"); see Retry-After',
  500: 'Unexpected server error (error "10")',
  502: 'Every attempt to reach a node failed (error "04")',
  503: 'The app has no healthy node (error "03")',
  504: 'The node did not answer in time (error "09")',
};

export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...[...statuses, 500].map((status) =>
      ApiResponse({ status, description: MEANING[status], type: ErrorResponseDto }),
    ),
  );
}
