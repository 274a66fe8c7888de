import { createHmac } from 'node:crypto';
import request from 'supertest';
import { registerUser, TestUser } from './support/users';
import { startTestApp, TestApp } from './support/test-app';
import { base64url, signToken, subjectOf } from './support/tokens';

describe('Tokens (POST /api/auth) and the JWT guard', () => {
  let t: TestApp;
  let user: TestUser;
  let userId: string;

  beforeAll(async () => {
    t = await startTestApp({ JWT_EXPIRES_IN: '120' });
    user = await registerUser(t.server);
    userId = subjectOf(user.token);
  });
  afterAll(() => t.close());

  it('returns an RFC 7519 token with its type and lifetime', async () => {
    const res = await request(t.server)
      .post('/api/auth')
      .send({ email: user.email, password: user.password });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 120,
    });
    const [header, payload] = res.body.access_token
      .split('.')
      .slice(0, 2)
      .map((part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header.alg).toBe('HS256');
    expect(payload.exp - payload.iat).toBe(120);
  });

  it('answers 401 "05" for a wrong password and for an unknown email, alike', async () => {
    const wrong = await request(t.server)
      .post('/api/auth')
      .send({ email: user.email, password: 'wrong-pass' });
    const unknown = await request(t.server)
      .post('/api/auth')
      .send({ email: 'nobody@example.com', password: 'wrong-pass' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ status_code: 401, error: '05' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.description).toBe(wrong.body.description);
  });

  it('accepts both the JWT and the Bearer scheme', async () => {
    await request(t.server).get('/api/apps').set('Authorization', `JWT ${user.token}`).expect(200);
    await request(t.server)
      .get('/api/apps')
      .set('Authorization', `Bearer ${user.token}`)
      .expect(200);
  });

  it.each([
    ['no header', undefined],
    ['an unknown scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['garbage', 'Bearer not.a.token'],
  ])('rejects %s with 401 "05"', async (_label, header) => {
    const req = request(t.server).get('/api/apps');
    const res = await (header ? req.set('Authorization', header) : req);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status_code: 401, error: '05' });
  });

  it('rejects alg "none", a forged signature and an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const none = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: userId, iat: now, exp: now + 60 })}.`;
    const forged = signToken(
      { alg: 'HS256', typ: 'JWT' },
      { sub: userId, iat: now, exp: now + 60 },
      'wrong-key',
    );
    const expired = signToken(
      { alg: 'HS256', typ: 'JWT' },
      { sub: userId, iat: now - 200, exp: now - 100 },
      t.config.jwtSecret,
    );
    const hs512 = `${base64url({ alg: 'HS512', typ: 'JWT' })}.${base64url({ sub: userId, iat: now, exp: now + 60 })}`;
    const otherAlg = `${hs512}.${createHmac('sha512', t.config.jwtSecret).update(hs512).digest('base64url')}`;
    for (const token of [none, forged, expired, otherAlg]) {
      const res = await request(t.server).get('/api/apps').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('05');
    }
    const valid = signToken(
      { alg: 'HS256', typ: 'JWT' },
      { sub: userId, iat: now, exp: now + 60 },
      t.config.jwtSecret,
    );
    await request(t.server).get('/api/apps').set('Authorization', `Bearer ${valid}`).expect(200);
  });
});
