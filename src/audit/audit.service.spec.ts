import { Logger } from '@nestjs/common';
import { Model } from 'mongoose';
import { AuditService } from './audit.service';
import { AuditEvent } from './schemas/audit-event.schema';

const event: AuditEvent = {
  date: new Date(),
  action: 'auth.login',
  actor: null,
  actorEmail: 'ada@example.com',
  target: 'ada@example.com',
  outcome: 'failure',
  error: '05',
  requestId: 'r-1',
  ip: '127.0.0.1',
  userAgent: null,
};

describe('AuditService.write', () => {
  afterEach(() => jest.restoreAllMocks());

  it('does not wait for the database, and counts and logs a failed write', async () => {
    let fail: (error: Error) => void = () => undefined;
    const create = jest.fn(() => new Promise((_resolve, reject) => (fail = reject)));
    const service = new AuditService({ create } as unknown as Model<AuditEvent>);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    expect(service.write(event)).toBeUndefined();
    expect(create).toHaveBeenCalledWith(event);
    expect(service.auditWriteFailures).toBe(0);

    fail(new Error('connection closed'));
    await service.drain();
    expect(service.auditWriteFailures).toBe(1);
    expect(logged).toHaveBeenCalledWith({
      msg: 'Audit event not written',
      action: 'auth.login',
      outcome: 'failure',
      request_id: 'r-1',
      error: 'Error: connection closed',
    });
    expect(JSON.stringify(logged.mock.calls)).not.toContain('ada@example.com');
  });

  it('counts nothing when the write succeeds', async () => {
    const service = new AuditService({
      create: jest.fn(async () => ({})),
    } as unknown as Model<AuditEvent>);
    service.write(event);
    await service.drain();
    expect(service.auditWriteFailures).toBe(0);
  });
});
