import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ApiError, RateLimitedError } from '../common/api-error';
import { AuditSpec, withAuditActor } from './audited.decorator';
import { AuditedRequest, buildAuditEvent, errorCodeOf } from './audit-event';

const DATE = new Date('2026-01-02T03:04:05.678Z');

function request(parts: {
  params?: Record<string, string>;
  body?: unknown;
  user?: unknown;
  headers?: Record<string, string>;
}): AuditedRequest {
  return {
    params: parts.params ?? {},
    body: parts.body,
    user: parts.user,
    headers: parts.headers ?? {},
    requestId: 'req-1',
  } as unknown as AuditedRequest;
}

const spec = (action: string, target?: AuditSpec['target']): AuditSpec => ({ action, target });

describe('buildAuditEvent', () => {
  it('takes the actor from the authenticated user, whatever the handler returned', () => {
    const req = request({
      params: { app: 'shop' },
      user: { id: 'u1', email: 'ada@example.com' },
      headers: { 'user-agent': 'curl/8' },
    });
    const event = buildAuditEvent(spec('app.delete'), req, '10.0.0.7', DATE, {
      result: withAuditActor({}, 'someone-else'),
    });
    expect(event).toEqual({
      date: DATE,
      action: 'app.delete',
      actor: 'u1',
      actorEmail: 'ada@example.com',
      target: 'shop',
      outcome: 'success',
      error: null,
      requestId: 'req-1',
      ip: '10.0.0.7',
      userAgent: 'curl/8',
    });
  });

  it('on a public route takes the actor the handler tagged its result with, and the body email as target', () => {
    const req = request({ body: { email: ' Ada@Example.com ', password: 'secret1' } });
    const result = withAuditActor({ status_code: 201, description: 'ada@example.com' }, 'new-id');
    const event = buildAuditEvent(spec('user.register'), req, '127.0.0.1', DATE, { result });
    expect(event).toMatchObject({
      actor: 'new-id',
      actorEmail: 'ada@example.com',
      target: 'ada@example.com',
      outcome: 'success',
    });
    expect(JSON.stringify(result)).toBe('{"status_code":201,"description":"ada@example.com"}');
    expect(JSON.stringify(event)).not.toContain('secret1');
  });

  it('records a failure with no actor and the contract code of the error', () => {
    const req = request({ body: { email: 'ada@example.com', password: 'wrong-one' } });
    const event = buildAuditEvent(spec('auth.login'), req, '127.0.0.1', DATE, {
      error: ApiError.unauthorized('Wrong email or password'),
    });
    expect(event).toMatchObject({
      actor: null,
      actorEmail: 'ada@example.com',
      target: 'ada@example.com',
      outcome: 'failure',
      error: '05',
    });
  });

  it('uses a custom target, and records none when it throws or nothing fits', () => {
    const req = request({ params: { app: 'shop' }, body: { host: 'h', port: 80 } });
    const custom = buildAuditEvent(
      spec('node.add', (r) => `${r.params.app}/${(r.body as { host: string }).host}`),
      req,
      'ip',
      DATE,
      { result: {} },
    );
    expect(custom.target).toBe('shop/h');
    const throwing = buildAuditEvent(
      spec('node.add', () => {
        throw new Error('boom');
      }),
      req,
      'ip',
      DATE,
      { result: {} },
    );
    expect(throwing.target).toBeNull();
    const none = buildAuditEvent(spec('x'), request({ body: { email: 42 } }), '', DATE, {
      result: undefined,
    });
    expect(none).toMatchObject({ target: null, actor: null, actorEmail: null, ip: null });
  });

  it('ignores a malformed req.user and clips long values to 256 characters', () => {
    const req = request({
      user: { id: 42 },
      body: { email: `${'a'.repeat(300)}@example.com` },
      headers: { 'user-agent': 'x'.repeat(1000) },
    });
    const event = buildAuditEvent(spec('auth.login'), req, 'ip', DATE, { result: null });
    expect(event.actor).toBeNull();
    expect(event.userAgent).toHaveLength(256);
    expect(event.target).toHaveLength(256);
  });
});

describe('errorCodeOf', () => {
  it.each([
    [ApiError.conflict('taken'), '02'],
    [new RateLimitedError(10, 5), '07'],
    [new BadRequestException('bad'), '01'],
    [new NotFoundException(), '02'],
    [new Error('database down'), '10'],
    ['not even an error', '10'],
  ])('maps %p to %s', (error, code) => {
    expect(errorCodeOf(error)).toBe(code);
  });
});
