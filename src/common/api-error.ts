import { ErrorCode } from '../../libs/gateway-core/src/error-codes';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    description: string,
  ) {
    super(description);
  }

  static badPayload(description: string): ApiError {
    return new ApiError(400, ErrorCode.BadPayload, description);
  }

  static notFound(description: string): ApiError {
    return new ApiError(404, ErrorCode.NotFoundOrExists, description);
  }

  static conflict(description: string): ApiError {
    return new ApiError(409, ErrorCode.NotFoundOrExists, description);
  }

  static unauthorized(description: string): ApiError {
    return new ApiError(401, ErrorCode.Unauthorized, description);
  }

  static forbidden(description: string): ApiError {
    return new ApiError(403, ErrorCode.Forbidden, description);
  }

  static tooManyRequests(description: string): ApiError {
    return new ApiError(429, ErrorCode.RateLimited, description);
  }
}

export class RateLimitedError extends ApiError {
  constructor(
    readonly retryAfterSeconds: number,
    readonly limit: number,
  ) {
    super(429, ErrorCode.RateLimited, 'Too many requests, try again later');
  }
}
