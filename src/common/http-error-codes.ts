import { ErrorCode } from '../../libs/gateway-core/src/error-codes';

const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: ErrorCode.BadPayload,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFoundOrExists,
  405: ErrorCode.NotFoundOrExists,
  409: ErrorCode.NotFoundOrExists,
  413: ErrorCode.BodyTooLarge,
  429: ErrorCode.RateLimited,
};

export function codeForClientErrorStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? ErrorCode.BadPayload;
}
