import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import request from 'supertest';
import { AuditService } from '../src/audit/audit.service';
import { registerUser } from './support/users';
import { startTestApp, TestApp } from './support/test-app';

describe('Audit events with no actor (AUDIT_UNATTRIBUTED_PER_IP)', () => {
  let t: TestApp;
  let stored: ReturnType<Connection['collection']>;

  beforeAll(async () => {
    t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1', AUDIT_UNATTRIBUTED_PER_IP: '3/60s' });
    stored = t.app.get<Connection>(getConnectionToken()).collection('audit_events');
  });
  afterAll(() => t.close());

  /** Waits for the writes of the requests answered so far (each starts once its response is out). */
  async function settled(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await t.app.get(AuditService).drain();
  }

  const refusedFrom = (ip: string) =>
    request(t.server).post('/api/apps/flooded').set('X-Forwarded-For', ip).send({});

  it('records that many per client and counts the rest, while other clients and known users are still recorded', async () => {
    for (let i = 0; i < 5; i++) expect((await refusedFrom('198.51.100.7')).status).toBe(401);
    expect((await refusedFrom('198.51.100.8')).status).toBe(401);
    const user = await registerUser(t.server);
    expect(
      (
        await request(t.server)
          .post('/api/apps/flooded')
          .set(user.auth)
          .set('X-Forwarded-For', '198.51.100.7')
          .send({})
      ).status,
    ).toBe(400);
    await settled();

    expect(await stored.countDocuments({ actor: null, ip: '198.51.100.7' })).toBe(3);
    expect(await stored.countDocuments({ actor: null, ip: '198.51.100.8' })).toBe(1);
    expect(
      await stored.countDocuments({
        actor: { $ne: null },
        ip: '198.51.100.7',
        action: 'app.create',
      }),
    ).toBe(1);
    const metrics = await request(t.server).get('/metrics');
    expect(metrics.text).toContain('\nslb_audit_events_suppressed_total 2\n');
  });
});
