import { getConnectionToken } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import { Connection } from 'mongoose';
import request from 'supertest';
import { registerUser, TestUser, uniqueEmail } from './support/users';
import { startTestApp, TestApp } from './support/test-app';
import { signToken, subjectOf } from './support/tokens';

interface ApiEvent {
  date: string;
  action: string;
  actor: string | null;
  target: string | null;
  outcome: 'success' | 'failure';
  error: string | null;
  request_id: string;
  ip: string | null;
  user_agent: string | null;
}

const requestId = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

/** Audit events are written after the response: poll until they are there. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('Audit trail', () => {
  let t: TestApp;
  let stored: ReturnType<Connection['collection']>;
  let querier: TestUser | undefined;

  beforeAll(async () => {
    t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1' });
    stored = t.app.get<Connection>(getConnectionToken()).collection('audit_events');
  });
  afterAll(() => t.close());

  const storedEvent = (id: string) =>
    eventually(
      () => stored.findOne({ requestId: id }),
      (event) => event !== null,
    );

  const auditOf = (user: TestUser, count: number, query = '') =>
    eventually(
      async () => request(t.server).get(`/api/audit${query}`).set(user.auth),
      (res) => res.status !== 200 || res.body.events.length >= count,
    );

  const login = (email: string, password: string, id: string) =>
    request(t.server)
      .post('/api/auth')
      .set('X-Request-Id', id)
      .set('User-Agent', 'audit-test/1.0')
      .send({ email, password });

  describe('recording', () => {
    it('records a registration with who, what, from where and the outcome', async () => {
      const email = uniqueEmail('audit');
      const id = requestId('register');
      const res = await request(t.server)
        .post('/api/users')
        .set('X-Request-Id', id)
        .set('User-Agent', 'audit-test/1.0')
        .set('X-Forwarded-For', '203.0.113.9')
        .send({ email: email.toUpperCase(), password: 'secret1' });
      expect(res.status).toBe(201);
      const login = await request(t.server).post('/api/auth').send({ email, password: 'secret1' });
      const event = await storedEvent(id);
      expect(event).toMatchObject({
        action: 'user.register',
        actor: subjectOf(login.body.access_token),
        actorEmail: email,
        target: email,
        outcome: 'success',
        error: null,
        requestId: id,
        ip: '203.0.113.9',
        userAgent: 'audit-test/1.0',
      });
      expect(event?.date).toBeInstanceOf(Date);
      expect(JSON.stringify(event)).not.toContain('secret1');
    });

    it('records logins, successful and failed, and failed registrations, with the error code', async () => {
      const user = await registerUser(t.server, uniqueEmail('audit'));
      const ids = {
        ok: requestId('login-ok'),
        wrong: requestId('login-wrong'),
        invalid: requestId('login-invalid'),
        duplicate: requestId('register-dup'),
      };
      await login(user.email, user.password, ids.ok).expect(200);
      await login(user.email, 'wrong-password', ids.wrong).expect(401);
      await login(user.email, 'short', ids.invalid).expect(400);
      await request(t.server)
        .post('/api/users')
        .set('X-Request-Id', ids.duplicate)
        .send({ email: user.email, password: 'another1' })
        .expect(409);

      const common = { target: user.email, actorEmail: user.email, ip: '127.0.0.1' };
      expect(await storedEvent(ids.ok)).toMatchObject({
        ...common,
        action: 'auth.login',
        actor: subjectOf(user.token),
        outcome: 'success',
        error: null,
        userAgent: 'audit-test/1.0',
      });
      expect(await storedEvent(ids.wrong)).toMatchObject({
        ...common,
        action: 'auth.login',
        actor: null,
        outcome: 'failure',
        error: '05',
      });
      expect(await storedEvent(ids.invalid)).toMatchObject({
        action: 'auth.login',
        outcome: 'failure',
        error: '01',
      });
      expect(await storedEvent(ids.duplicate)).toMatchObject({
        ...common,
        action: 'user.register',
        actor: null,
        outcome: 'failure',
        error: '02',
      });
    });

    it('records deletions, kept with every other event of the user after the soft delete', async () => {
      const user = await registerUser(t.server, uniqueEmail('audit'));
      const userId = subjectOf(user.token);
      const wrong = requestId('delete-wrong');
      const deleted = requestId('delete-ok');
      await request(t.server)
        .delete('/api/users')
        .set('X-Request-Id', wrong)
        .send({ email: user.email, password: 'wrong-password' })
        .expect(401);
      await request(t.server)
        .delete('/api/users')
        .set('X-Request-Id', deleted)
        .send({ email: user.email, password: user.password })
        .expect(200);

      expect(await storedEvent(wrong)).toMatchObject({
        action: 'user.delete',
        actor: null,
        target: user.email,
        outcome: 'failure',
        error: '05',
      });
      expect(await storedEvent(deleted)).toMatchObject({
        action: 'user.delete',
        actor: userId,
        target: user.email,
        outcome: 'success',
        error: null,
      });
      const kept = await stored.find({ actor: userId }).sort({ date: 1, _id: 1 }).toArray();
      expect(kept.map((e) => e.action)).toEqual(['user.register', 'auth.login', 'user.delete']);

      const after = await request(t.server).get('/api/audit').set(user.auth);
      expect(after.status).toBe(401);
      expect(after.body.error).toBe('05');
    });

    it('records app, node, settings and key actions, and the attempts refused with 400, 403 and 404', async () => {
      const ada = await registerUser(t.server, uniqueEmail('ada'));
      const bob = await registerUser(t.server, uniqueEmail('bob'));
      const app = `audited-${randomBytes(4).toString('hex')}`;
      const node = { host: '127.0.0.1', port: 9, statuspath: '/' };
      const call = (user: TestUser, id: string) => ({
        post: (path: string) => request(t.server).post(path).set(user.auth).set('X-Request-Id', id),
        patch: (path: string) =>
          request(t.server).patch(path).set(user.auth).set('X-Request-Id', id),
        delete: (path: string) =>
          request(t.server).delete(path).set(user.auth).set('X-Request-Id', id),
      });
      const ids = {
        create: requestId('app-create'),
        nodeAdd: requestId('node-add'),
        update: requestId('app-update'),
        badUpdate: requestId('app-update-bad'),
        keyCreate: requestId('key-create'),
        keyRevoke: requestId('key-revoke'),
        nodeRemove: requestId('node-remove'),
        foreignDelete: requestId('app-delete-foreign'),
        unknownDelete: requestId('app-delete-unknown'),
        delete: requestId('app-delete'),
      };
      await call(ada, ids.create).post(`/api/apps/${app}`).send(node).expect(201);
      await call(ada, ids.nodeAdd)
        .post(`/api/nodes/${app}`)
        .send({ ...node, port: 10 })
        .expect(201);
      await call(ada, ids.update).patch(`/api/apps/${app}`).send({ retries: 2 }).expect(200);
      await call(ada, ids.badUpdate)
        .patch(`/api/apps/${app}`)
        .send({ strategy: 'nope' })
        .expect(400);
      const key = await call(ada, ids.keyCreate).post(`/api/apps/${app}/keys`).expect(201);
      await call(ada, ids.keyRevoke).delete(`/api/apps/${app}/keys/${key.body.id}`).expect(200);
      await call(ada, ids.nodeRemove)
        .delete(`/api/nodes/${app}`)
        .send({ host: '127.0.0.1', port: 10 })
        .expect(200);
      await call(bob, ids.foreignDelete).delete(`/api/apps/${app}`).expect(403);
      await call(ada, ids.unknownDelete).delete(`/api/apps/${app}-gone`).expect(404);
      await call(ada, ids.delete).delete(`/api/apps/${app}`).expect(200);

      const adaId = subjectOf(ada.token);
      const success = { actor: adaId, actorEmail: ada.email, outcome: 'success', error: null };
      const expected: Array<[string, Record<string, unknown>]> = [
        [ids.create, { ...success, action: 'app.create', target: app }],
        [ids.nodeAdd, { ...success, action: 'node.add', target: `${app}/127.0.0.1:10` }],
        [ids.update, { ...success, action: 'app.update', target: app }],
        [ids.badUpdate, { action: 'app.update', actor: adaId, outcome: 'failure', error: '01' }],
        [ids.keyCreate, { ...success, action: 'app.key.create', target: app }],
        [ids.keyRevoke, { ...success, action: 'app.key.revoke', target: app }],
        [ids.nodeRemove, { ...success, action: 'node.remove', target: `${app}/127.0.0.1:10` }],
        [
          ids.foreignDelete,
          {
            action: 'app.delete',
            actor: subjectOf(bob.token),
            target: app,
            outcome: 'failure',
            error: '06',
          },
        ],
        [
          ids.unknownDelete,
          { action: 'app.delete', actor: adaId, outcome: 'failure', error: '02' },
        ],
        [ids.delete, { ...success, action: 'app.delete', target: app }],
      ];
      for (const [id, event] of expected) expect(await storedEvent(id)).toMatchObject(event);

      const listed = await auditOf(ada, 11, '?limit=20');
      expect((listed.body.events as ApiEvent[]).map((e) => e.request_id)).not.toContain(
        ids.foreignDelete,
      );
    });

    it('records calls refused by the token check, under the user a genuine token names', async () => {
      const user = await registerUser(t.server, uniqueEmail('refused'));
      const userId = subjectOf(user.token);
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: 'HS256', typ: 'JWT' };
      const expired = signToken(
        header,
        { sub: userId, iat: now - 200, exp: now - 100 },
        t.config.jwtSecret,
      );
      const forged = signToken(header, { sub: userId, iat: now, exp: now + 60 }, 'wrong-key');
      const app = `refused-${randomBytes(4).toString('hex')}`;
      const ids = {
        expired: requestId('expired'),
        forged: requestId('forged'),
        missing: requestId('missing'),
        unaudited: requestId('unaudited'),
        deletedUser: requestId('deleted-user'),
      };
      const createApp = (id: string, token?: string) => {
        const req = request(t.server).post(`/api/apps/${app}`).set('X-Request-Id', id);
        return (token ? req.set('Authorization', `Bearer ${token}`) : req)
          .send({ host: '127.0.0.1', port: 9 })
          .expect(401);
      };
      await request(t.server).get('/api/apps').set('X-Request-Id', ids.unaudited).expect(401);
      await createApp(ids.expired, expired);
      await createApp(ids.forged, forged);
      await createApp(ids.missing);

      const refused = { action: 'app.create', target: app, outcome: 'failure', error: '05' };
      expect(await storedEvent(ids.expired)).toMatchObject({
        ...refused,
        actor: userId,
        actorEmail: null,
      });
      expect(await storedEvent(ids.forged)).toMatchObject({ ...refused, actor: null });
      expect(await storedEvent(ids.missing)).toMatchObject({ ...refused, actor: null });
      expect(await stored.findOne({ requestId: ids.unaudited })).toBeNull();

      const listed = await auditOf(user, 3);
      expect((listed.body.events as ApiEvent[])[0]).toMatchObject({
        action: 'app.create',
        actor: userId,
        outcome: 'failure',
        error: '05',
        request_id: ids.expired,
      });

      await request(t.server)
        .delete('/api/users')
        .send({ email: user.email, password: user.password })
        .expect(200);
      await createApp(ids.deletedUser, user.token);
      expect(await storedEvent(ids.deletedUser)).toMatchObject({ ...refused, actor: userId });
    });
  });

  describe('GET /api/audit', () => {
    it("returns the caller's own events only, newest first, in the contract's shape", async () => {
      const ada = await registerUser(t.server, uniqueEmail('ada'));
      const bob = await registerUser(t.server, uniqueEmail('bob'));
      const last = requestId('ada-last');
      await login(ada.email, ada.password, last).expect(200);
      await login(bob.email, bob.password, requestId('bob')).expect(200);

      const res = await auditOf(ada, 3);
      expect(res.status).toBe(200);
      expect(res.body.next_cursor).toBeNull();
      const events: ApiEvent[] = res.body.events;
      expect(events.map((e) => e.action)).toEqual(['auth.login', 'auth.login', 'user.register']);
      expect(events.every((e) => e.actor === subjectOf(ada.token))).toBe(true);
      expect(events[0]).toEqual({
        date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        action: 'auth.login',
        actor: subjectOf(ada.token),
        target: ada.email,
        outcome: 'success',
        error: null,
        request_id: last,
        ip: '127.0.0.1',
        user_agent: 'audit-test/1.0',
      });
      const dates = events.map((e) => Date.parse(e.date));
      expect([...dates].sort((a, b) => b - a)).toEqual(dates);
    });

    it('walks every event exactly once with limit=2', async () => {
      const user = await registerUser(t.server, uniqueEmail('pages'));
      for (let i = 0; i < 4; i++) await login(user.email, user.password, requestId(`page-${i}`));
      const all = await auditOf(user, 6, '?limit=1000');
      const expected = (all.body.events as ApiEvent[]).map((e) => e.request_id);
      expect(expected).toHaveLength(6);

      const walked: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const page = await request(t.server).get(`/api/audit${query}`).set(user.auth).expect(200);
        expect(page.body.events.length).toBeLessThanOrEqual(2);
        walked.push(...(page.body.events as ApiEvent[]).map((e) => e.request_id));
        cursor = page.body.next_cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(walked).toEqual(expected);
      expect(new Set(walked).size).toBe(6);
    });

    it('defaults to 100 events per page', async () => {
      const user = await registerUser(t.server, uniqueEmail('default'));
      const res = await auditOf(user, 2);
      expect(res.body.events).toHaveLength(2);
      expect(res.body.next_cursor).toBeNull();
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['limit=1e2', 'limit'],
      ['limit=0x3', 'limit'],
      ['limit=%201', 'limit'],
      ['cursor=not%20a%20cursor', 'cursor'],
      ['cursor=abc', 'cursor'],
      ['cursor=', 'cursor'],
    ])('answers ?%s with 400 "01" naming %s', async (query, field) => {
      querier ??= await registerUser(t.server, uniqueEmail('bad'));
      const user = querier;
      const res = await request(t.server).get(`/api/audit?${query}`).set(user.auth);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ status_code: 400, error: '01' });
      expect(res.body.description).toContain(field);
    });

    it('answers 401 "05" without a valid token', async () => {
      for (const auth of [undefined, 'Bearer not.a.token']) {
        const req = request(t.server).get('/api/audit');
        const res = await (auth ? req.set('Authorization', auth) : req);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ status_code: 401, error: '05' });
      }
    });

    it('is described in the OpenAPI document', async () => {
      const doc = await request(t.server).get('/docs-json').expect(200);
      const get = doc.body.paths['/api/audit']?.get;
      expect(get).toBeDefined();
      expect(get.security).toEqual([{ bearer: [] }]);
      expect(get.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
        'cursor',
        'limit',
      ]);
      expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
      expect(doc.body.components.schemas.AuditEventDto.required).toEqual(
        expect.arrayContaining(['date', 'action', 'actor', 'target', 'outcome', 'error']),
      );
    });
  });
});
