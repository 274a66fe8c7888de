import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

export const AUDITED = 'audited';

/** Names what an audited request acts on; `undefined` records no target. */
export type AuditTarget = (req: Request) => string | undefined;

export interface AuditSpec {
  readonly action: string;
  readonly target?: AuditTarget;
}

/**
 * Records an audit event for every call of the handler, success or failure, after the response is
 * sent (see AuditInterceptor). The default target is the `:app` route parameter, else the body's
 * `email`. The actor is the authenticated user; on a public route (register, login, delete user)
 * the handler names it by returning `withAuditActor(result, userId)`.
 *
 *   @Audited('app.delete')
 *   @Audited('node.add', (req) => `${req.params.app}`)
 */
export const Audited = (action: string, target?: AuditTarget) =>
  SetMetadata(AUDITED, { action, target } satisfies AuditSpec);

const AUDIT_ACTOR = Symbol('auditActor');

/**
 * Tags a handler's result with the id of the user who acted, for routes where nobody is
 * authenticated yet. The tag is a symbol property: it never reaches the JSON response.
 */
export function withAuditActor<T extends object>(result: T, actorId: string): T {
  Object.defineProperty(result, AUDIT_ACTOR, { value: actorId, enumerable: false });
  return result;
}

export function auditActorOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const actor = (result as { [AUDIT_ACTOR]?: unknown })[AUDIT_ACTOR];
  return typeof actor === 'string' ? actor : undefined;
}
