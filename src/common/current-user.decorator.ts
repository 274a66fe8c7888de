import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ActiveUser } from '../users/users.service';

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ActiveUser =>
    context.switchToHttp().getRequest<{ user: ActiveUser }>().user,
);
