import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import request from 'supertest';
import { AuditService } from '../src/audit/audit.service';
import { signToken, subjectOf } from './support/tokens';
import { registerUser } from './support/users';
import { startTestApp, TestApp } from './support/test-app';

describe('Refused calls of clients without a valid token (AUDIT_REFUSALS_PER_CLIENT)', () => {
  let t: TestApp;
  let stored: ReturnType<Connection['collection']>;

  beforeAll(async () => {
    t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1', AUDIT_REFUSALS_PER_CLIENT: '3/60s' });
    stored = t.app.get<Connection>(getConnectionToken()).collection('audit_events');
  });
  afterAll(() => t.close());

  /** Waits for the writes of the requests answered so far (each starts once its response is out). */
  async function settled(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await t.app.get(AuditService).drain();
  }

  const createApp = (ip: string, token?: string) => {
    const call = request(t.server).post('/api/apps/flooded').set('X-Forwarded-For', ip);
    return (token ? call.set('Authorization', `Bearer ${token}`) : call).send({});
  };
  const createsFrom = (ip: string) => stored.countDocuments({ ip, action: 'app.create' });

  it('records that many per client and action, counts the rest, and records everyone else', async () => {
    const user = await registerUser(t.server);
    const userId = subjectOf(user.token);
    for (let i = 0; i < 5; i++) expect((await createApp('198.51.100.7')).status).toBe(401);
    expect((await createApp('198.51.100.8')).status).toBe(401);
    for (let i = 0; i < 2; i++) {
      const login = await request(t.server)
        .post('/api/auth')
        .set('X-Forwarded-For', '198.51.100.7')
        .send({ email: user.email, password: 'wrong-password' });
      expect(login.status).toBe(401);
    }
    const now = Math.floor(Date.now() / 1000);
    const expired = signToken(
      { alg: 'HS256', typ: 'JWT' },
      { sub: userId, iat: now - 120, exp: now - 60 },
      t.config.jwtSecret,
    );
    for (let i = 0; i < 5; i++) expect((await createApp('198.51.100.9', expired)).status).toBe(401);
    for (let i = 1; i <= 5; i++) expect((await createApp(`2001:db8::${i}`)).status).toBe(401);
    const authorized = await request(t.server)
      .post('/api/apps/flooded')
      .set(user.auth)
      .set('X-Forwarded-For', '198.51.100.7')
      .send({});
    expect(authorized.status).toBe(400);
    await settled();

    expect(
      await stored.countDocuments({ ip: '198.51.100.7', action: 'app.create', actor: null }),
    ).toBe(3);
    expect(await createsFrom('198.51.100.8')).toBe(1);
    expect(await stored.countDocuments({ ip: '198.51.100.7', action: 'auth.login' })).toBe(2);
    expect(await stored.countDocuments({ ip: '198.51.100.9', actor: userId })).toBe(3);
    expect(await stored.countDocuments({ ip: /^2001:db8::/, action: 'app.create' })).toBe(3);
    expect(
      await stored.countDocuments({ ip: '198.51.100.7', action: 'app.create', actor: userId }),
    ).toBe(1);
    const metrics = await request(t.server).get('/metrics');
    expect(metrics.text).toContain('\nslb_audit_events_suppressed_total 6\n');
  });
});
