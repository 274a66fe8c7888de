import { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EventEmitter } from 'node:events';
import { lastValueFrom, of, throwError } from 'rxjs';
import { ApiError } from '../common/api-error';
import { ClientIpResolver } from '../common/client-ip';
import { AppConfig } from '../config/app-config';
import { Audited, withAuditActor } from './audited.decorator';
import { AuditInterceptor } from './audit.interceptor';
import { AuditRecorder } from './audit-recorder';
import { AuditService } from './audit.service';
import { AuditEvent } from './schemas/audit-event.schema';

class Handlers {
  @Audited('user.register')
  register(): void {}

  plain(): void {}
}

function setup(handler: keyof Handlers) {
  const written: AuditEvent[] = [];
  const audit = {
    write: jest.fn((e: AuditEvent) => written.push(e)),
    writeFailed: jest.fn(),
    suppress: jest.fn(),
  };
  const ips = { resolve: () => '192.0.2.1' } as unknown as ClientIpResolver;
  const config = { auditRefusalsPerClient: { limit: 2, windowMs: 60_000 } } as AppConfig;
  const recorder = new AuditRecorder(
    new Reflector(),
    audit as unknown as AuditService,
    ips,
    config,
  );
  const interceptor = new AuditInterceptor(recorder);
  const res = Object.assign(new EventEmitter(), { closed: false, destroyed: false });
  const req: { user?: { id: string } } & Record<string, unknown> = {
    params: {},
    body: { email: 'ada@example.com', password: 'secret1' },
    headers: { 'user-agent': 'jest' },
    requestId: 'r-1',
  };
  const context = {
    getType: () => 'http',
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ExecutionContext;
  const run = (next: CallHandler) => lastValueFrom(interceptor.intercept(context, next));
  return { audit, written, req, res, run };
}

describe('AuditInterceptor', () => {
  it('does nothing for a handler without @Audited', async () => {
    const { audit, res, run } = setup('plain');
    await expect(run({ handle: () => of('ok') })).resolves.toBe('ok');
    res.emit('close');
    expect(audit.write).not.toHaveBeenCalled();
  });

  it('records a success with the actor the handler names, only once the response is closed', async () => {
    const { written, res, run } = setup('register');
    const result = withAuditActor({ status_code: 201 }, 'user-9');
    await expect(run({ handle: () => of(result) })).resolves.toBe(result);
    expect(written).toHaveLength(0);
    res.emit('close');
    expect(written).toEqual([
      expect.objectContaining({
        action: 'user.register',
        actor: 'user-9',
        target: 'ada@example.com',
        outcome: 'success',
        error: null,
        requestId: 'r-1',
        ip: '192.0.2.1',
        userAgent: 'jest',
      }),
    ]);
  });

  it('records a failure with its code and rethrows the very same error', async () => {
    const { written, res, run } = setup('register');
    const error = ApiError.conflict('There is already a user registered with that email');
    await expect(run({ handle: () => throwError(() => error) })).rejects.toBe(error);
    res.emit('close');
    expect(written).toEqual([
      expect.objectContaining({ actor: null, outcome: 'failure', error: '02' }),
    ]);
  });

  it('records AUDIT_REFUSALS_PER_CLIENT refusals of clients without a valid token, counting the rest, and every other event', async () => {
    const { audit, written, req, res, run } = setup('register');
    const refuse = () =>
      run({ handle: () => throwError(() => ApiError.conflict('taken')) }).catch(() => undefined);
    for (let i = 0; i < 4; i++) await refuse();
    await run({ handle: () => of(withAuditActor({}, 'user-9')) });
    req.user = { id: 'user-7' };
    await refuse();
    res.emit('close');
    expect(written.map((e) => [e.actor, e.outcome])).toEqual([
      [null, 'failure'],
      [null, 'failure'],
      ['user-9', 'success'],
      ['user-7', 'failure'],
    ]);
    expect(audit.suppress).toHaveBeenCalledTimes(2);
  });

  it('writes right away when the response is already closed', async () => {
    const { written, res, run } = setup('register');
    res.closed = true;
    await run({ handle: () => of({}) });
    await new Promise((done) => setImmediate(done));
    expect(written).toHaveLength(1);
  });
});
