export const ErrorCode = {
  BadPayload: '01',
  NotFoundOrExists: '02',
  NoHealthyNode: '03',
  UpstreamUnreachable: '04',
  Unauthorized: '05',
  Forbidden: '06',
  RateLimited: '07',
  BodyTooLarge: '08',
  UpstreamTimeout: '09',
  Internal: '10',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  status_code: number;
  error: ErrorCode;
  description: string;
  request_id: string;
}

export function errorBody(
  status: number,
  code: ErrorCode,
  description: string,
  requestId: string,
): ErrorBody {
  return { status_code: status, error: code, description, request_id: requestId };
}
