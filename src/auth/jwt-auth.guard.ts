import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiError } from '../common/api-error';
import { IS_PUBLIC } from '../common/public.decorator';

@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic || super.canActivate(context);
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false, info: unknown): TUser {
    if (err || !user) throw ApiError.unauthorized(describeFailure(info));
    return user;
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
