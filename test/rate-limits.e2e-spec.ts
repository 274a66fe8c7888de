import { getConnectionToken } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import { Connection } from 'mongoose';
import request from 'supertest';
import { registerUser, TestUser, uniqueEmail } from './support/users';
import { startTestApp, TestApp } from './support/test-app';

const requestId = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

async function auditEvent(t: TestApp, id: string) {
  const events = t.app.get<Connection>(getConnectionToken()).collection('audit_events');
  const deadline = Date.now() + 5000;
  for (;;) {
    const event = await events.findOne({ requestId: id });
    if (event || Date.now() > deadline) return event;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function expectRateLimited(res: request.Response, limit: number, windowSeconds: number): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ status_code: 429, error: '07' });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(res.headers['ratelimit-limit']).toBe(String(limit));
  expect(res.headers['ratelimit-remaining']).toBe('0');
  expect(res.headers['ratelimit-reset']).toBe(String(retryAfter));
}

describe('Rate limits', () => {
  describe('failed logins', () => {
    let t: TestApp;
    let ada: TestUser;
    let bob: TestUser;

    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_LOGIN_FAILURES_PER_IP: '8/60s' });
      ada = await registerUser(t.server, uniqueEmail('ada'));
      bob = await registerUser(t.server, uniqueEmail('bob'));
    });
    afterAll(() => t.close());

    const login = (email: string, password: string, id = requestId('login')) =>
      request(t.server).post('/api/auth').set('X-Request-Id', id).send({ email, password });

    it('answers the 6th failed login for the same email and IP with 429 "07", even with the right password', async () => {
      for (let i = 0; i < 5; i++) await login(ada.email, 'wrong-password').expect(401);
      const limited = requestId('limited');
      expectRateLimited(await login(ada.email, 'wrong-password', limited), 5, 60);
      expectRateLimited(await login(ada.email.toUpperCase(), ada.password), 5, 60);
      const tokenStillWorks = await request(t.server).get('/api/audit').set(ada.auth);
      expect(tokenStillWorks.status).toBe(200);

      expect(await auditEvent(t, limited)).toMatchObject({
        action: 'auth.login',
        actor: null,
        target: ada.email,
        outcome: 'failure',
        error: '07',
      });
    });

    it('counts a wrong password on DELETE /api/users as a failed login', async () => {
      const res = await request(t.server)
        .delete('/api/users')
        .send({ email: ada.email, password: ada.password });
      expectRateLimited(res, 5, 60);
    });

    it('leaves other emails from the same IP alone until the per-IP limit', async () => {
      await login(bob.email, bob.password).expect(200);
      for (let i = 0; i < 3; i++) await login(uniqueEmail('guess'), 'wrong-password').expect(401);
      expectRateLimited(await login(uniqueEmail('guess'), 'wrong-password'), 8, 60);
      expectRateLimited(await login(bob.email, bob.password), 8, 60);
    });

    it('does not take X-Forwarded-For from an untrusted peer', async () => {
      const res = await request(t.server)
        .post('/api/auth')
        .set('X-Forwarded-For', '198.51.100.77')
        .send({ email: bob.email, password: bob.password });
      expectRateLimited(res, 8, 60);
    });
  });

  describe('registrations', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_REGISTRATIONS: '3/60s', TRUSTED_PROXIES: '127.0.0.1' });
    });
    afterAll(() => t.close());

    const register = (clientIp: string, body: object, id = requestId('register')) =>
      request(t.server)
        .post('/api/users')
        .set('X-Forwarded-For', clientIp)
        .set('X-Request-Id', id)
        .send(body);

    it('allows RATE_LIMIT_REGISTRATIONS attempts per client IP, then answers 429 "07"', async () => {
      const ip = '198.51.100.1';
      const email = uniqueEmail('reg');
      await register(ip, { email: 'not-an-email', password: 'secret1' }).expect(400);
      await register(ip, { email, password: 'secret1' }).expect(201);
      await register(ip, { email, password: 'secret1' }).expect(409);
      await register(ip, { email: uniqueEmail('reg'), password: 'secret1' }).expect(201);
      const limited = requestId('reg-limited');
      expectRateLimited(
        await register(ip, { email: uniqueEmail('reg'), password: 'secret1' }, limited),
        3,
        60,
      );
      expect(await auditEvent(t, limited)).toMatchObject({
        action: 'user.register',
        outcome: 'failure',
        error: '07',
        ip,
      });

      await register('198.51.100.2', { email: uniqueEmail('reg'), password: 'secret1' }).expect(
        201,
      );
    });

    it('counts an IPv6 client by its /64, so that rotating addresses in it does not reset the limit', async () => {
      for (let i = 1; i <= 3; i++) {
        await register(`2001:db8:7::${i}`, {
          email: uniqueEmail('reg6'),
          password: 'secret1',
        }).expect(201);
      }
      const limited = await register('2001:db8:7::ffff', {
        email: uniqueEmail('reg6'),
        password: 'secret1',
      });
      expectRateLimited(limited, 3, 60);
      await register('2001:db8:8::1', { email: uniqueEmail('reg6'), password: 'secret1' }).expect(
        201,
      );
    });
  });
});
