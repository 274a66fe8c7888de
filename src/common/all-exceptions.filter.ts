import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, errorBody } from '../../libs/gateway-core/src/error-codes';
import { ApiError, RateLimitedError } from './api-error';
import { codeForClientErrorStatus } from './http-error-codes';
import { requestIdOf, WithRequestId } from './request-id';


@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage & WithRequestId>();
    const res = http.getResponse<ServerResponse>();
    const requestId = req.requestId ?? requestIdOf(req);
    const { status, code, description } = this.describe(exception, req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (exception instanceof RateLimitedError) {
      res.setHeader('Retry-After', String(exception.retryAfterSeconds));
      res.setHeader('RateLimit-Limit', String(exception.limit));
      res.setHeader('RateLimit-Remaining', '0');
      res.setHeader('RateLimit-Reset', String(exception.retryAfterSeconds));
    }
    const body = JSON.stringify(errorBody(status, code, description, requestId));
    res.statusCode = status;
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  }

  private describe(
    exception: unknown,
    req: IncomingMessage,
  ): { status: number; code: ErrorCode; description: string } {
    if (exception instanceof ApiError) {
      return { status: exception.status, code: exception.code, description: exception.message };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const description =
        status === 404 ? `No route for ${req.method} ${req.url?.split('?')[0]}` : exception.message;
      return { status, code: codeForClientErrorStatus(status), description };
    }
    this.logger.error(exception instanceof Error ? exception : String(exception));
    return { status: 500, code: ErrorCode.Internal, description: 'Unexpected server error' };
  }
}
