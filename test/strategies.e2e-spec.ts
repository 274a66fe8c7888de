import request from 'supertest';
import { createApp } from './support/apps';
import { FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser, TestUser } from './support/users';

describe('Balancing strategies over HTTP', () => {
  let t: TestApp;
  let user: TestUser;
  let nodes: FakeNode[];

  beforeAll(async () => {
    t = await startTestApp();
    user = await registerUser(t.server);
    nodes = await Promise.all(['a', 'b', 'c'].map((name) => startFakeNode(name)));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await t.close();
  });

  async function servedBy(name: string, count: number, headers: Record<string, string> = {}): Promise<string[]> {
    const answers: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await request(t.server).get(`/api/balance/${name}/`).set(headers).expect(200);
      answers.push(res.headers['x-node'] as string);
    }
    return answers;
  }

  function counts(answers: string[]): Record<string, number> {
    return answers.reduce<Record<string, number>>((acc, node) => ({ ...acc, [node]: (acc[node] ?? 0) + 1 }), {});
  }

  it('round-robin cycles through the nodes in order', async () => {
    const name = await createApp(t.server, user, nodes, { strategy: 'round-robin' });
    const answers = await servedBy(name, 9);
    expect(counts(answers)).toEqual({ a: 3, b: 3, c: 3 });
    expect(answers.slice(3, 6)).toEqual(answers.slice(0, 3));
  });

  it('weighted-round-robin follows the weights (5:1:1)', async () => {
    const name = await createApp(t.server, user, [nodes[0]], { strategy: 'weighted-round-robin' });
    await request(t.server).post(`/api/nodes/${name}`).set(user.auth).send({ ...nodes[0].body(), weight: 5 });
    for (const node of nodes.slice(1)) {
      await request(t.server).post(`/api/nodes/${name}`).set(user.auth).send(node.body()).expect(201);
    }
    expect(counts(await servedBy(name, 21))).toEqual({ a: 15, b: 3, c: 3 });
  });

  it('random spreads requests over every node (each within 15%..55% of 90)', async () => {
    const name = await createApp(t.server, user, nodes, { strategy: 'random' });
    const spread = counts(await servedBy(name, 90));
    for (const node of ['a', 'b', 'c']) {
      expect(spread[node]).toBeGreaterThanOrEqual(14);
      expect(spread[node]).toBeLessThanOrEqual(50);
    }
  });

  it('least-connections (the default) spreads sequential requests over every node', async () => {
    const name = await createApp(t.server, user, nodes);
    const spread = counts(await servedBy(name, 90));
    for (const node of ['a', 'b', 'c']) expect(spread[node]).toBeGreaterThanOrEqual(14);
  });

  it('consistent-hash keeps one key on one node and spreads many keys', async () => {
    const name = await createApp(t.server, user, nodes, { strategy: 'consistent-hash', hash_key: 'header:X-User' });
    for (const userId of ['alice', 'bob', 'carol']) {
      expect(new Set(await servedBy(name, 5, { 'X-User': userId })).size).toBe(1);
    }
    const owners = new Set<string>();
    for (let i = 0; i < 30; i++) owners.add((await servedBy(name, 1, { 'X-User': `user-${i}` }))[0]);
    expect(owners.size).toBe(3);
  });

  it('consistent-hash by client IP sends one client to one node', async () => {
    const name = await createApp(t.server, user, nodes, { strategy: 'consistent-hash', hash_key: 'ip' });
    expect(new Set(await servedBy(name, 10)).size).toBe(1);
  });
});
