import { HttpException } from '@nestjs/common';
import type { Request } from 'express';
import { ErrorCode } from '../../libs/gateway-core/src/error-codes';
import { ApiError } from '../common/api-error';
import { codeForClientErrorStatus } from '../common/http-error-codes';
import { auditActorOf, AuditSpec } from './audited.decorator';
import { AuditEvent } from './schemas/audit-event.schema';

export const MAX_FIELD_LENGTH = 256;

export type AuditedRequest = Request & { requestId?: string };

/**
 * How an audited request ended: the handler's result, or the error it answered with. A request the JWT guard
 * refused names the user its token was issued to, when the signature holds (an expired token, a deleted user).
 */
export type HandlerOutcome = { result: unknown } | { error: unknown; tokenSubject?: string };

/** The contract code the error response will carry. */
export function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof ApiError) return error.code;
  if (error instanceof HttpException && error.getStatus() < 500) {
    return codeForClientErrorStatus(error.getStatus());
  }
  return ErrorCode.Internal;
}

/**
 * Builds the event of one audited request. Reads only what the request already holds; never the
 * password, the token or the body beyond its `email`.
 */
export function buildAuditEvent(
  spec: AuditSpec,
  req: AuditedRequest,
  ip: string,
  date: Date,
  outcome: HandlerOutcome,
): AuditEvent {
  const user = authenticatedUser(req);
  const failed = 'error' in outcome;
  return {
    date,
    action: spec.action,
    actor: user?.id ?? (failed ? outcome.tokenSubject : auditActorOf(outcome.result)) ?? null,
    actorEmail: clip(user?.email ?? bodyEmail(req)),
    target: clip(targetOf(spec, req)),
    outcome: failed ? 'failure' : 'success',
    error: failed ? errorCodeOf(outcome.error) : null,
    requestId: req.requestId ?? null,
    ip: ip || null,
    userAgent: clip(req.headers['user-agent']),
  };
}

function targetOf(spec: AuditSpec, req: AuditedRequest): string | undefined {
  if (spec.target) {
    try {
      return spec.target(req);
    } catch {
      return undefined;
    }
  }
  const app = req.params?.app;
  return typeof app === 'string' && app !== '' ? app : bodyEmail(req);
}

export function authenticatedUser(req: AuditedRequest): { id: string; email?: string } | undefined {
  const user = req.user as { id?: unknown; email?: unknown } | undefined;
  if (typeof user?.id !== 'string') return undefined;
  return { id: user.id, email: typeof user.email === 'string' ? user.email : undefined };
}

/** The body's email as UsersService stores it (trimmed, lower case); the body is not yet validated. */
function bodyEmail(req: AuditedRequest): string | undefined {
  const body: unknown = req.body;
  const email =
    typeof body === 'object' && body !== null ? (body as { email?: unknown }).email : undefined;
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : undefined;
}

function clip(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_FIELD_LENGTH) : null;
}
