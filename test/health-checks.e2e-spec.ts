import request from 'supertest';
import { createApp } from './support/apps';
import { FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser, TestUser } from './support/users';

describe('Health checks', () => {
  let t: TestApp;
  let user: TestUser;
  let a: FakeNode;
  let b: FakeNode;

  beforeAll(async () => {
    t = await startTestApp({
      HEALTHCHECK_INTERVAL_MS: '150',
      HEALTHCHECK_TIMEOUT_MS: '100',
      HEALTHCHECK_UNHEALTHY_THRESHOLD: '2',
      HEALTHCHECK_HEALTHY_THRESHOLD: '2',
    });
    user = await registerUser(t.server);
    [a, b] = await Promise.all([startFakeNode('a'), startFakeNode('b')]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await t.close();
  });

  async function nodeStates(
    name: string,
  ): Promise<{ status: string; last_check: string | null; last_error: string | null }[]> {
    const res = await request(t.server).get(`/api/apps/${name}`).set(user.auth).expect(200);
    return res.body.nodes;
  }

  async function eventually(check: () => Promise<boolean>, withinMs = 3000): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('marks a failing node down, sends it no traffic, and brings it back when it recovers', async () => {
    const name = await createApp(t.server, user, [a, b]);
    await eventually(async () =>
      (await nodeStates(name)).every((node) => node.last_check !== null),
    );
    b.healthy = false;
    await eventually(async () => (await nodeStates(name))[1].status === 'down');
    const states = await nodeStates(name);
    expect(states[0].status).toBe('up');
    expect(states[1].last_error).toMatch(/503/);

    b.hits = 0;
    for (let i = 0; i < 10; i++) {
      const res = await request(t.server).get(`/api/balance/${name}/`).expect(200);
      expect(res.headers['x-node']).toBe('a');
    }
    expect(b.hits).toBe(0);

    b.healthy = true;
    await eventually(async () => (await nodeStates(name))[1].status === 'up');
    expect((await nodeStates(name))[1].last_error).toBeNull();
  });

  it('answers 503 "03" quickly when every node is down, and never deletes nodes', async () => {
    const name = await createApp(t.server, user, [a, b]);
    a.healthy = false;
    b.healthy = false;
    try {
      await eventually(async () =>
        (await nodeStates(name)).every((node) => node.status === 'down'),
      );
      const res = await request(t.server).get(`/api/balance/${name}/`);
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('03');
      expect(await nodeStates(name)).toHaveLength(2);
    } finally {
      a.healthy = true;
      b.healthy = true;
    }
  });

  it('brings a node marked down by live traffic back only through active checks', async () => {
    const flaky = await startFakeNode('flaky', (req) => req.socket.destroy());
    const name = await createApp(t.server, user, [flaky], { retries: 0 });
    // At once, so that no active check (every 150 ms, and passing) comes between the failures and resets them.
    const failed = await Promise.all(
      [1, 2, 3].map(() => request(t.server).get(`/api/balance/${name}/`)),
    );
    expect(failed.map((res) => res.status)).toEqual([502, 502, 502]);
    expect((await nodeStates(name))[0].status).toBe('down');
    flaky.handler = (req, res) => {
      req.resume();
      res.end('fine now');
    };
    await eventually(async () => (await nodeStates(name))[0].status === 'up');
    await request(t.server).get(`/api/balance/${name}/`).expect(200);
    await flaky.close();
  });
});
