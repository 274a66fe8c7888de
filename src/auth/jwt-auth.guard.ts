import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { AuditRecorder } from '../audit/audit-recorder';
import { ApiError } from '../common/api-error';
import { IS_PUBLIC } from '../common/public.decorator';
import { tokenFromRequest } from './jwt.strategy';

/**
 * Requires a valid token of an active user on every route not marked @Public. Guards run before
 * interceptors, so a refusal on an @Audited route is recorded here, under the user the token names
 * when its signature holds (expired, or issued to a user since deleted), else under nobody.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly recorder: AuditRecorder,
    private readonly jwt: JwtService,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic || super.canActivate(context);
  }

  override handleRequest<TUser>(
    err: unknown,
    user: TUser | false,
    info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (!err && user) return user;
    const error = ApiError.unauthorized(describeFailure(info));
    const call = this.recorder.callOf(context);
    if (call) this.recorder.record(call, { error, tokenSubject: this.subjectOf(call.req) });
    throw error;
  }

  private subjectOf(req: Request): string | undefined {
    const token = tokenFromRequest(req);
    if (!token) return undefined;
    try {
      const { sub } = this.jwt.verify<{ sub?: unknown }>(token, { ignoreExpiration: true });
      return typeof sub === 'string' ? sub : undefined;
    } catch {
      return undefined;
    }
  }
}

function describeFailure(info: unknown): string {
  const name = info instanceof Error ? info.name : undefined;
  if (name === 'TokenExpiredError') return 'The token has expired';
  if (info instanceof Error && info.message === 'No auth token') {
    return 'Missing token: send Authorization: Bearer <token>';
  }
  if (name === 'JsonWebTokenError' || name === 'NotBeforeError') return 'Invalid token';
  return 'Invalid token or the user no longer exists';
}
