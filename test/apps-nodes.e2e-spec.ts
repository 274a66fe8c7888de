import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import request from 'supertest';
import { createApp, uniqueAppName } from './support/apps';
import { FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser, TestUser } from './support/users';

describe('Apps and nodes (management)', () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;
  let node: FakeNode;

  beforeAll(async () => {
    t = await startTestApp({ NODE_DENY_CIDRS: '10.66.0.0/16' });
    [owner, other] = await Promise.all([registerUser(t.server), registerUser(t.server)]);
    node = await startFakeNode('a');
  });
  afterAll(async () => {
    await node.close();
    await t.close();
  });

  it('creates an app with its first node and shows it with defaults', async () => {
    const name = uniqueAppName();
    const created = await request(t.server)
      .post(`/api/apps/${name}`)
      .set(owner.auth)
      .send(node.body());
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ status_code: 201, description: name });

    const view = await request(t.server).get(`/api/apps/${name}`).set(owner.auth).expect(200);
    expect(view.body).toEqual({
      name,
      settings: {
        strategy: 'least-connections',
        hash_key: 'ip',
        connect_timeout_ms: 2000,
        timeout_ms: 60000,
        retries: 1,
        private: false,
        rate_limit: null,
      },
      nodes: [
        {
          host: '127.0.0.1',
          port: node.port,
          statuspath: '/health',
          weight: 1,
          status: 'up',
          last_check: null,
          last_error: null,
        },
      ],
    });
    const list = await request(t.server).get('/api/apps').set(owner.auth).expect(200);
    expect(list.body.apps).toContain(name);
    const others = await request(t.server).get('/api/apps').set(other.auth).expect(200);
    expect(others.body.apps).not.toContain(name);
  });

  it('refuses a taken name with 409 "02", whoever owns it', async () => {
    const name = await createApp(t.server, owner, [node]);
    for (const user of [owner, other]) {
      const res = await request(t.server)
        .post(`/api/apps/${name}`)
        .set(user.auth)
        .send(node.body());
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('02');
    }
  });

  it.each([['-starts-with-dash'], ['has.dot'], ['x'.repeat(64)]])(
    'refuses the app name %s with 400 "01"',
    async (name) => {
      const res = await request(t.server)
        .post(`/api/apps/${name}`)
        .set(owner.auth)
        .send(node.body());
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('01');
      expect(res.body.description).toContain('app');
    },
  );

  it.each([
    [{ host: 'http://x.com', port: 80, statuspath: '/h' }, 'host'],
    [{ host: 'x.com/path', port: 80, statuspath: '/h' }, 'host'],
    [{ host: '127.0.0.1', port: 0, statuspath: '/h' }, 'port'],
    [{ host: '127.0.0.1', port: 70000, statuspath: '/h' }, 'port'],
    [{ host: '127.0.0.1', port: '80', statuspath: '/h' }, 'port'],
    [{ host: '127.0.0.1', port: 80, statuspath: 'health' }, 'statuspath'],
    [{ host: '127.0.0.1', port: 80, statuspath: '/h', weight: 0 }, 'weight'],
    [{ host: '127.0.0.1', port: 80, statuspath: '/h', weight: 101 }, 'weight'],
    [{ host: '127.0.0.1', port: 80, statuspath: '/h', weight: null }, 'weight'],
    [{ host: { $ne: null }, port: 80, statuspath: '/h' }, 'host'],
  ])('refuses the node %j with 400 "01" naming %s, each problem once', async (body, field) => {
    const res = await request(t.server)
      .post(`/api/apps/${uniqueAppName()}`)
      .set(owner.auth)
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('01');
    expect(res.body.description).toContain(field);
    const problems = res.body.description.split('; ');
    expect(problems).toEqual([...new Set(problems)]);
  });

  it.each([
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['10.66.1.2', 'denied'],
  ])('refuses the node address %s (%s) with 400 "01"', async (host) => {
    const res = await request(t.server)
      .post(`/api/apps/${uniqueAppName()}`)
      .set(owner.auth)
      .send({ host, port: 80, statuspath: '/health' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('01');
  });

  it("refuses the gateway's own address, also through a hostname", async () => {
    const port = Number(new URL(t.url).port);
    for (const host of ['127.0.0.1', 'localhost']) {
      const res = await request(t.server)
        .post(`/api/nodes/${uniqueAppName()}`)
        .set(owner.auth)
        .send({ host, port, statuspath: '/health' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('01');
    }
  });

  it('registers nodes idempotently: 201 then 200 with the statuspath updated', async () => {
    const name = uniqueAppName();
    const first = await request(t.server)
      .post(`/api/nodes/${name}`)
      .set(owner.auth)
      .send(node.body());
    expect(first.status).toBe(201);
    expect(first.body.description).toBe(`127.0.0.1:${node.port}`);
    const again = await request(t.server)
      .post(`/api/nodes/${name}`)
      .set(owner.auth)
      .send({ ...node.body(), statuspath: '/ready', weight: 5 });
    expect(again.status).toBe(200);
    expect(again.body.description).toBe(`127.0.0.1:${node.port}`);
    const view = await request(t.server).get(`/api/apps/${name}`).set(owner.auth).expect(200);
    expect(view.body.nodes).toHaveLength(1);
    expect(view.body.nodes[0]).toMatchObject({ statuspath: '/ready', weight: 5 });
  });

  it('registers the same node concurrently without duplicates', async () => {
    const name = uniqueAppName();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(t.server).post(`/api/nodes/${name}`).set(owner.auth).send(node.body()),
      ),
    );
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    const view = await request(t.server).get(`/api/apps/${name}`).set(owner.auth).expect(200);
    expect(view.body.nodes).toHaveLength(1);
  });

  it('answers 403 "06" on someone else\'s app and 404 "02" on an unknown one', async () => {
    const name = await createApp(t.server, owner, [node]);
    const attempts = [
      request(t.server).get(`/api/apps/${name}`).set(other.auth),
      request(t.server).patch(`/api/apps/${name}`).set(other.auth).send({ retries: 2 }),
      request(t.server).delete(`/api/apps/${name}`).set(other.auth),
      request(t.server).post(`/api/nodes/${name}`).set(other.auth).send(node.body()),
      request(t.server)
        .delete(`/api/nodes/${name}`)
        .set(other.auth)
        .send({ host: node.host, port: node.port }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('06');
    }
    const missing = uniqueAppName();
    for (const res of await Promise.all([
      request(t.server).get(`/api/apps/${missing}`).set(owner.auth),
      request(t.server).delete(`/api/apps/${missing}`).set(owner.auth),
      request(t.server)
        .delete(`/api/nodes/${missing}`)
        .set(owner.auth)
        .send({ host: node.host, port: node.port }),
    ])) {
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('02');
    }
  });

  it('removes a node, and answers 404 "02" for a node that is not there', async () => {
    const second = await startFakeNode('b');
    const name = await createApp(t.server, owner, [node, second]);
    const removed = await request(t.server)
      .delete(`/api/nodes/${name}`)
      .set(owner.auth)
      .send({ host: second.host, port: second.port });
    expect(removed.status).toBe(200);
    expect(removed.body.description).toBe(`127.0.0.1:${second.port}`);
    const again = await request(t.server)
      .delete(`/api/nodes/${name}`)
      .set(owner.auth)
      .send({ host: second.host, port: second.port });
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('02');
    await second.close();
  });

  it('updates settings with PATCH and refuses unknown values and fields with 400 "01"', async () => {
    const name = await createApp(t.server, owner, [node]);
    const patched = await request(t.server)
      .patch(`/api/apps/${name}`)
      .set(owner.auth)
      .send({
        strategy: 'consistent-hash',
        hash_key: 'header:X-User',
        retries: 3,
        timeout_ms: 5000,
        private: true,
        rate_limit: { limit: 10, window_ms: 1000, key: 'ip' },
      });
    expect(patched.status).toBe(200);
    expect(patched.body.settings).toEqual({
      strategy: 'consistent-hash',
      hash_key: 'header:X-User',
      connect_timeout_ms: 2000,
      timeout_ms: 5000,
      retries: 3,
      private: true,
      rate_limit: { limit: 10, window_ms: 1000, key: 'ip' },
    });
    for (const [body, field] of [
      [{ strategy: 'fastest' }, 'strategy'],
      [{ hash_key: 'cookie:x' }, 'hash_key'],
      [{ retries: 6 }, 'retries'],
      [{ timeout_ms: 0 }, 'timeout_ms'],
      [{ connect_timeout_ms: 600001 }, 'connect_timeout_ms'],
      [{ private: 'yes' }, 'private'],
      [{ rate_limit: { limit: 0, window_ms: 1000, key: 'ip' } }, 'limit'],
      [{ rate_limit: { limit: 1, window_ms: 1000, key: 'cookie' } }, 'key'],
      [{ strategy: null }, 'strategy'],
      [{ hash_key: null }, 'hash_key'],
      [{ connect_timeout_ms: null }, 'connect_timeout_ms'],
      [{ timeout_ms: null }, 'timeout_ms'],
      [{ retries: null }, 'retries'],
      [{ private: null }, 'private'],
      [{ rate_limit: [] }, 'rate_limit'],
      [{ rate_limit: [{ limit: 1, window_ms: 1000, key: 'ip' }] }, 'rate_limit'],
      [{ stratgy: 'random' }, 'stratgy is not a known field'],
      [{ settings: { retries: 2 } }, 'settings is not a known field'],
      [{ retries: 2, timeout: 100 }, 'timeout is not a known field'],
      [
        { rate_limit: { limit: 1, window_ms: 1000, key: 'ip', burst: 5 } },
        'rate_limit.burst is not a known field',
      ],
    ] as const) {
      const res = await request(t.server).patch(`/api/apps/${name}`).set(owner.auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('01');
      expect(res.body.description).toContain(field);
    }
    const unchanged = await request(t.server).get(`/api/apps/${name}`).set(owner.auth).expect(200);
    expect(unchanged.body.settings).toEqual(patched.body.settings);
    await request(t.server).get(`/api/balance/${name}/x`).set(owner.auth).expect(200);
    const cleared = await request(t.server)
      .patch(`/api/apps/${name}`)
      .set(owner.auth)
      .send({ rate_limit: null });
    expect(cleared.body.settings.rate_limit).toBeNull();
  });

  it('deletes an app: it stops being served and its name is free', async () => {
    const name = await createApp(t.server, owner, [node]);
    await request(t.server).get(`/api/balance/${name}/x`).expect(200);
    const deleted = await request(t.server).delete(`/api/apps/${name}`).set(owner.auth);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ status_code: 200, description: name });
    const balanced = await request(t.server).get(`/api/balance/${name}/x`);
    expect(balanced.status).toBe(404);
    expect(balanced.body.error).toBe('02');
    await request(t.server).post(`/api/apps/${name}`).set(other.auth).send(node.body()).expect(201);
  });

  it("stops serving a deleted user's apps and frees their names", async () => {
    const doomed = await registerUser(t.server);
    const name = await createApp(t.server, doomed, [node]);
    await request(t.server).get(`/api/balance/${name}`).expect(200);
    await request(t.server)
      .delete('/api/users')
      .send({ email: doomed.email, password: doomed.password })
      .expect(200);
    await request(t.server).get(`/api/balance/${name}`).expect(404);
    await request(t.server).post(`/api/apps/${name}`).set(other.auth).send(node.body()).expect(201);
  });

  it('checks the node policy again when connecting, for nodes named by hostname', async () => {
    const strict = await startTestApp(
      { JWT_SECRET: t.config.jwtSecret, NODE_DENY_CIDRS: '127.0.0.0/8,::1/128' },
      t.mongodbUri,
    );
    try {
      const name = uniqueAppName();
      await request(t.server)
        .post(`/api/apps/${name}`)
        .set(owner.auth)
        .send({ host: 'localhost', port: node.port, statuspath: '/health' })
        .expect(201);
      await request(t.server).get(`/api/balance/${name}/`).expect(200);
      await waitFor(
        async () => (await request(strict.server).get(`/api/balance/${name}/`)).status !== 404,
        2000,
      );
      const refused = await request(strict.server).get(`/api/balance/${name}/`);
      expect(refused.status).toBe(502);
      expect(refused.body.error).toBe('04');
    } finally {
      await strict.app.close();
    }
  });

  it('starts and serves every app when stored settings are out of range, using the defaults for them', async () => {
    // Passport keeps one 'jwt' strategy per process, set by the app started last: `live` gives t a working one.
    const live = await startTestApp({ JWT_SECRET: t.config.jwtSecret }, t.mongodbUri);
    let restarted: TestApp | undefined;
    try {
      const broken = await createApp(t.server, owner, [node]);
      const fine = await createApp(t.server, owner, [node], { retries: 2 });
      await t.app
        .get<Connection>(getConnectionToken())
        .collection('apps')
        .updateOne(
          { name: broken },
          {
            $set: {
              'settings.strategy': null,
              'settings.timeout_ms': 'soon',
              'settings.rate_limit': [],
            },
            $inc: { revision: 1 },
          },
        );
      restarted = await startTestApp({ JWT_SECRET: t.config.jwtSecret }, t.mongodbUri);
      for (const gateway of [t, restarted]) {
        await waitFor(async () => {
          const view = await request(gateway.server).get(`/api/apps/${broken}`).set(owner.auth);
          return view.body.settings?.strategy === 'least-connections';
        }, 2000);
        const view = await request(gateway.server).get(`/api/apps/${broken}`).set(owner.auth);
        expect(view.body.settings).toMatchObject({ timeout_ms: 60000, rate_limit: null });
        await request(gateway.server).get(`/api/balance/${broken}/x`).expect(200);
        await request(gateway.server).get(`/api/balance/${fine}/x`).expect(200);
      }
    } finally {
      await restarted?.app.close();
      await live.app.close();
    }
  });

  it('lets a second gateway on the same database see changes within 2 seconds', async () => {
    const second = await startTestApp({ JWT_SECRET: t.config.jwtSecret }, t.mongodbUri);
    try {
      const name = await createApp(t.server, owner, [node]);
      await waitFor(
        async () => (await request(second.server).get(`/api/balance/${name}`)).status === 200,
        2000,
      );
      await request(t.server).delete(`/api/apps/${name}`).set(owner.auth).expect(200);
      await waitFor(
        async () => (await request(second.server).get(`/api/balance/${name}`)).status === 404,
        2000,
      );
    } finally {
      await second.app.close();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
