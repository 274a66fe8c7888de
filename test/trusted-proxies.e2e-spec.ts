import request from 'supertest';
import { createApp } from './support/apps';
import { FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser, TestUser } from './support/users';

describe('Forwarding behind a trusted proxy (TRUSTED_PROXIES)', () => {
  let t: TestApp;
  let user: TestUser;
  let node: FakeNode;
  let name: string;

  beforeAll(async () => {
    t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1', LOG_FLUSH_INTERVAL_MS: '50' });
    user = await registerUser(t.server);
    node = await startFakeNode('a');
    name = await createApp(t.server, user, [node]);
  });
  afterAll(async () => {
    await node.close();
    await t.close();
  });

  async function seenByNode(headers: Record<string, string>): Promise<Record<string, string>> {
    let req = request(t.server).get(`/api/balance/${name}/`);
    for (const [field, value] of Object.entries(headers)) req = req.set(field, value);
    const res = await req.expect(200);
    return res.body.headers;
  }

  it("passes on the proxy's scheme and host, and appends the proxy's address to X-Forwarded-For", async () => {
    const seen = await seenByNode({
      Host: 'gateway.internal',
      'X-Forwarded-For': '203.0.113.7',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'shop.example.com',
    });
    expect(seen).toMatchObject({
      'x-forwarded-for': '203.0.113.7, 127.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'shop.example.com',
    });
  });

  it('takes the client-side entry of a chain, and only http or https as a scheme', async () => {
    expect(
      await seenByNode({
        'X-Forwarded-Proto': 'HTTPS, http',
        'X-Forwarded-Host': 'shop.example.com, edge.internal',
      }),
    ).toMatchObject({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'shop.example.com' });
    expect(
      await seenByNode({ Host: 'gateway.internal', 'X-Forwarded-Proto': 'gopher' }),
    ).toMatchObject({ 'x-forwarded-proto': 'http', 'x-forwarded-host': 'gateway.internal' });
  });

  it('logs the client behind the proxy', async () => {
    await seenByNode({ 'X-Forwarded-For': '198.51.100.23', 'X-Request-Id': 'behind-proxy-1' });
    for (;;) {
      const { logs } = (await request(t.server).get(`/api/logs/${name}`).set(user.auth).expect(200))
        .body as { logs: Record<string, unknown>[] };
      const entry = logs.find((log) => log.request_id === 'behind-proxy-1');
      if (entry) {
        expect(entry.client_ip).toBe('198.51.100.23');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
