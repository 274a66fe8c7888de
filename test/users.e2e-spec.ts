import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import request from 'supertest';
import { registerUser, uniqueEmail } from './support/users';
import { startTestApp, TestApp } from './support/test-app';

describe('Users (POST/DELETE /api/users)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('registers a user and answers 201 with the email', async () => {
    const email = uniqueEmail();
    const res = await request(t.server).post('/api/users').send({ email, password: 'secret1' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ status_code: 201, description: email });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('refuses a second registration of the same email with 409 "02"', async () => {
    const email = uniqueEmail();
    await request(t.server).post('/api/users').send({ email, password: 'secret1' }).expect(201);
    const res = await request(t.server)
      .post('/api/users')
      .send({ email: email.toUpperCase(), password: 'other-secret' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ status_code: 409, error: '02' });
    expect(res.body.description).toMatch(/already a user/);
  });

  it.each([
    [{ email: 'not-an-email', password: 'secret1' }, 'email'],
    [{ email: uniqueEmail(), password: 'short' }, 'password'],
    [{ email: uniqueEmail(), password: 'x'.repeat(31) }, 'password'],
    [{ email: uniqueEmail(), password: 123456 }, 'password'],
    [{ email: { $ne: null }, password: 'secret1' }, 'email'],
    [{ email: uniqueEmail() }, 'password'],
    [{ password: 'secret1' }, 'email'],
  ])('rejects %j with 400 "01" naming %s', async (body, field) => {
    const res = await request(t.server).post('/api/users').send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status_code: 400, error: '01' });
    expect(res.body.description).toContain(field);
  });

  it('never stores the password in clear', async () => {
    const email = uniqueEmail();
    await request(t.server).post('/api/users').send({ email, password: 'plain-text-1' }).expect(201);
    const connection = t.app.get<Connection>(getConnectionToken());
    const stored = await connection.collection('users').findOne({ email });
    expect(JSON.stringify(stored)).not.toContain('plain-text-1');
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  describe('DELETE /api/users', () => {
    it('deletes with the right password, revokes tokens and frees the email', async () => {
      const user = await registerUser(t.server);
      await request(t.server).get('/api/apps').set(user.auth).expect(200);
      const res = await request(t.server)
        .delete('/api/users')
        .send({ email: user.email, password: user.password });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status_code: 200, description: user.email });

      const after = await request(t.server).get('/api/apps').set(user.auth);
      expect(after.status).toBe(401);
      expect(after.body.error).toBe('05');

      await request(t.server)
        .post('/api/auth')
        .send({ email: user.email, password: user.password })
        .expect(401);
      await request(t.server)
        .post('/api/users')
        .send({ email: user.email, password: 'new-password' })
        .expect(201);
    });

    it('answers 401 "05" alike for a wrong password and an unknown email', async () => {
      const user = await registerUser(t.server);
      const wrong = await request(t.server)
        .delete('/api/users')
        .send({ email: user.email, password: 'wrong-password' });
      const unknown = await request(t.server)
        .delete('/api/users')
        .send({ email: uniqueEmail(), password: 'wrong-password' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body.error).toBe('05');
      expect(unknown.body.description).toBe(wrong.body.description);
    });
  });
});
