import request from 'supertest';
import { createApp } from './support/apps';
import { FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser, TestUser } from './support/users';

describe('API keys and per-app rate limits', () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;
  let node: FakeNode;

  beforeAll(async () => {
    t = await startTestApp();
    [owner, other] = await Promise.all([registerUser(t.server), registerUser(t.server)]);
    node = await startFakeNode('a');
  });
  afterAll(async () => {
    await node.close();
    await t.close();
  });

  it('creates, lists and revokes API keys that open a private app', async () => {
    const name = await createApp(t.server, owner, [node], { private: true });
    const created = await request(t.server).post(`/api/apps/${name}/keys`).set(owner.auth).expect(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{12}$/),
      prefix: created.body.key.slice(0, 10),
      created_at: expect.any(String),
      key: expect.stringMatching(/^slb_/),
    });
    const list = await request(t.server).get(`/api/apps/${name}/keys`).set(owner.auth).expect(200);
    expect(list.body.keys).toEqual([{ id: created.body.id, prefix: created.body.prefix, created_at: created.body.created_at }]);

    await request(t.server).get(`/api/balance/${name}/`).set('X-API-Key', created.body.key).expect(200);
    const wrong = await request(t.server).get(`/api/balance/${name}/`).set('X-API-Key', 'slb_wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('05');

    await request(t.server).delete(`/api/apps/${name}/keys/${created.body.id}`).set(owner.auth).expect(200);
    await request(t.server).get(`/api/balance/${name}/`).set('X-API-Key', created.body.key).expect(401);
    const again = await request(t.server).delete(`/api/apps/${name}/keys/${created.body.id}`).set(owner.auth);
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('02');
  });

  it("keeps other users away from an app's keys", async () => {
    const name = await createApp(t.server, owner, [node]);
    const res = await request(t.server).post(`/api/apps/${name}/keys`).set(other.auth);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('06');
    expect((await request(t.server).get(`/api/apps/${name}/keys`).set(other.auth)).status).toBe(403);
  });

  it('answers 429 "07" past the rate limit, with Retry-After and RateLimit headers', async () => {
    const name = await createApp(t.server, owner, [node], {
      rate_limit: { limit: 3, window_ms: 60000, key: 'header:X-Client' },
    });
    for (let i = 0; i < 3; i++) {
      await request(t.server).get(`/api/balance/${name}/`).set('X-Client', 'one').expect(200);
    }
    const limited = await request(t.server).get(`/api/balance/${name}/`).set('X-Client', 'one');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status_code: 429, error: '07' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-limit']).toBe('3');
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['ratelimit-reset'])).toBeGreaterThan(0);
    await request(t.server).get(`/api/balance/${name}/`).set('X-Client', 'two').expect(200);

    await request(t.server).patch(`/api/apps/${name}`).set(owner.auth).send({ rate_limit: null }).expect(200);
    await request(t.server).get(`/api/balance/${name}/`).set('X-Client', 'one').expect(200);
  });
});
