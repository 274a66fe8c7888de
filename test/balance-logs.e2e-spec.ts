import { Agent, request as httpRequest } from 'node:http';
import request from 'supertest';
import { AppStatsDto } from '../src/request-logs/dto/app-stats.dto';
import { createApp } from './support/apps';
import { closedPort, FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser, TestUser } from './support/users';

describe('Request logs and stats over HTTP', () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;
  let node: FakeNode;

  beforeAll(async () => {
    t = await startTestApp({ LOG_FLUSH_INTERVAL_MS: '50' });
    [owner, other] = await Promise.all([registerUser(t.server), registerUser(t.server)]);
    node = await startFakeNode('a');
  });
  afterAll(async () => {
    await node.close();
    await t.close();
  });

  async function allLogs(
    name: string,
    limit: number,
    query = '',
  ): Promise<Record<string, unknown>[]> {
    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.server)
        .get(`/api/logs/${name}?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`)
        .set(owner.auth)
        .expect(200);
      expect(res.body.app_name).toBe(name);
      seen.push(...res.body.logs);
      cursor = res.body.next_cursor;
    } while (cursor);
    return seen;
  }

  async function waitForLogs(name: string, count: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((await allLogs(name, 1000)).length < count) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} log entries`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('logs every balanced request once, newest first, and pagination walks each exactly once', async () => {
    const name = await createApp(t.server, owner, [node]);
    for (let i = 0; i < 25; i++) {
      await request(t.server).get(`/api/balance/${name}/items/${i}?secret=q`).expect(200);
    }
    await waitForLogs(name, 25);
    const logs = await allLogs(name, 4);
    expect(logs).toHaveLength(25);
    expect(new Set(logs.map((log) => log.request_id)).size).toBe(25);
    expect(logs.map((log) => log.path)).toEqual(
      Array.from({ length: 25 }, (_, i) => `/items/${24 - i}`),
    );
    expect(logs[0]).toMatchObject({
      method: 'GET',
      end_point: `127.0.0.1:${node.port}`,
      response_code: 200,
      total_time_ms: expect.any(Number),
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("logs each request's own body bytes in and answer bytes out, on one keep-alive connection too", async () => {
    const name = await createApp(t.server, owner, [node]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, body?: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${t.url}/api/balance/${name}/echo`, { method, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode as number));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      expect(await send('POST', Buffer.alloc(5, 'a'))).toBe(200);
      expect(await send('POST', Buffer.alloc(3, 'b'))).toBe(200);
      expect(await send('GET')).toBe(200);
      expect(await send('POST', Buffer.alloc(200 * 1024, 'c'))).toBe(200);
    } finally {
      agent.destroy();
    }
    await waitForLogs(name, 4);
    const logs = (await allLogs(name, 10)).reverse();
    expect(logs.map((log) => [log.method, log.bytes_in])).toEqual([
      ['POST', 5],
      ['POST', 3],
      ['GET', 0],
      ['POST', 200 * 1024],
    ]);
    expect(logs.every((log) => typeof log.bytes_out === 'number' && log.bytes_out > 0)).toBe(true);
  });

  it('logs the requests it refuses itself, with the error it wrote, and counts only 5xx as errors', async () => {
    const name = await createApp(t.server, owner, [node], {
      rate_limit: { limit: 1, window_ms: 60000, key: 'ip' },
    });
    await request(t.server).get(`/api/balance/${name}/first`).expect(200);
    const limited = await request(t.server).get(`/api/balance/${name}/limited`).expect(429);
    await request(t.server)
      .patch(`/api/apps/${name}`)
      .set(owner.auth)
      .send({ rate_limit: null, private: true })
      .expect(200);
    const anonymous = await request(t.server).get(`/api/balance/${name}/anonymous`).expect(401);
    const huge = await request(t.server)
      .post(`/api/balance/${name}/huge`)
      .set(owner.auth)
      .set('Content-Length', String(t.config.maxProxyBody + 1))
      .send('x'.repeat(16))
      .catch((error: { response?: request.Response }) => error.response);
    expect(huge?.status).toBe(413);
    await waitForLogs(name, 4);
    const logs = (await allLogs(name, 10)).reverse();
    expect(logs.map((log) => [log.path, log.response_code, log.end_point, log.bytes_out])).toEqual([
      ['/first', 200, `127.0.0.1:${node.port}`, expect.any(Number)],
      ['/limited', 429, null, Buffer.byteLength(limited.text)],
      ['/anonymous', 401, null, Buffer.byteLength(anonymous.text)],
      ['/huge', 413, null, expect.any(Number)],
    ]);
    const stats = async () =>
      (await request(t.server).get(`/api/apps/${name}/stats?window=5m`).set(owner.auth).expect(200))
        .body as { requests: number; error_rate: number };
    const deadline = Date.now() + 5000;
    while ((await stats()).requests < 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await stats()).toMatchObject({ requests: 4, error_rate: 0 });
  });

  it('logs failed requests with a null end_point and filters by status class and method', async () => {
    const name = await createApp(t.server, owner, [node]);
    await request(t.server)
      .post(`/api/nodes/${name}`)
      .set(owner.auth)
      .send({ host: '127.0.0.1', port: await closedPort(), statuspath: '/h' });
    await request(t.server)
      .delete(`/api/nodes/${name}`)
      .set(owner.auth)
      .send({ host: node.host, port: node.port });
    await request(t.server).get(`/api/balance/${name}/down`).expect(502);
    await waitForLogs(name, 1);
    const [failed] = await allLogs(name, 10, '&status=5xx&method=get');
    expect(failed).toMatchObject({ path: '/down', response_code: 502, end_point: null });
    expect(failed.attempts).toBe((failed.nodes_tried as string[]).length);
    expect(failed.attempts).toBeGreaterThanOrEqual(1);
    expect(await allLogs(name, 10, '&status=2xx')).toHaveLength(0);
  });

  it('logs the attempts and the nodes tried, in order, when a request was retried', async () => {
    const name = await createApp(t.server, owner, [node], { strategy: 'round-robin' });
    const deadPort = await closedPort();
    await request(t.server)
      .post(`/api/nodes/${name}`)
      .set(owner.auth)
      .send({ host: '127.0.0.1', port: deadPort, statuspath: '/h' })
      .expect(201);
    for (let i = 0; i < 4; i++) await request(t.server).get(`/api/balance/${name}/r`).expect(200);
    await waitForLogs(name, 4);
    const logs = await allLogs(name, 10);
    const alive = `127.0.0.1:${node.port}`;
    const retried = logs.filter((log) => log.attempts !== 1);
    expect(retried.length).toBeGreaterThanOrEqual(1); // until passive checks mark the dead node down
    for (const log of retried) {
      expect(log).toMatchObject({
        attempts: 2,
        nodes_tried: [`127.0.0.1:${deadPort}`, alive],
        end_point: alive,
      });
    }
    for (const log of logs.filter((l) => l.attempts === 1)) {
      expect(log).toMatchObject({ nodes_tried: [alive], end_point: alive });
    }
  });

  /**
   * The app's stats over the last 5 minutes, once they count `overall` requests and `perNode` on its nodes
   * (or after 5 s). A flush's rollups are one document per node, which a read can see updated one before
   * another.
   */
  async function statsOnceCounted(
    name: string,
    overall: number,
    perNode = overall,
  ): Promise<AppStatsDto> {
    const deadline = Date.now() + 5000;
    const read = async (): Promise<AppStatsDto> =>
      (await request(t.server).get(`/api/apps/${name}/stats?window=5m`).set(owner.auth).expect(200))
        .body;
    const counted = (stats: AppStatsDto) =>
      stats.requests >= overall &&
      stats.nodes.reduce((sum, node) => sum + node.requests, 0) >= perNode;
    let stats = await read();
    while (!counted(stats) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stats = await read();
    }
    return stats;
  }

  it('says in interrupted why an answer did not reach the client whole', async () => {
    const cutting = await startFakeNode('cutting', (req, res) => {
      req.resume();
      if (req.url === '/whole') return void res.end('whole');
      if (req.url === '/silent') return;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('partial');
      if (req.url === '/reset') setTimeout(() => res.socket?.destroy(), 50);
      if (req.url === '/trickle') {
        const timer = setInterval(() => res.write('.'), 50);
        res.on('close', () => clearInterval(timer));
      }
    });
    const name = await createApp(t.server, owner, [cutting], { timeout_ms: 400 });
    const get = (path: string, closeAfter?: 'first byte' | 'send') =>
      new Promise<void>((resolve) => {
        const req = httpRequest(`${t.url}/api/balance/${name}${path}`, (res) => {
          res.once('data', () => closeAfter === 'first byte' && req.destroy());
          res.on('error', () => undefined);
          res.on('close', () => resolve());
          res.resume();
        });
        req.on('error', () => resolve());
        req.end();
        if (closeAfter === 'send') setTimeout(() => req.destroy(), 200);
      });
    try {
      await get('/whole');
      await get('/trickle', 'first byte');
      await get('/silent', 'send');
      await get('/reset');
      await get('/trickle');
      await waitForLogs(name, 5);
      const logs = (await allLogs(name, 10)).reverse();
      expect(logs.map((log) => [log.path, log.response_code, log.interrupted])).toEqual([
        ['/whole', 200, null],
        ['/trickle', 200, 'client_closed'],
        ['/silent', 499, 'client_closed'],
        ['/reset', 200, 'node_failed'],
        ['/trickle', 200, 'node_timeout'],
      ]);
      expect(logs[3].bytes_out).toBe('partial'.length);

      const pathsWith = async (interrupted: string) =>
        (await allLogs(name, 2, `&interrupted=${interrupted}`)).map((log) => log.path).reverse();
      expect(await pathsWith('node_failed')).toEqual(['/reset']);
      expect(await pathsWith('client_closed')).toEqual(['/trickle', '/silent']);
      expect(await pathsWith('true')).toEqual(['/trickle', '/silent', '/reset', '/trickle']);
      expect(await pathsWith('false')).toEqual(['/whole']);

      const stats = await statsOnceCounted(name, 5, 4);
      expect(stats).toMatchObject({ requests: 5, error_rate: 0.6, interrupted: 4 });
      expect(stats.nodes).toEqual([
        expect.objectContaining({ requests: 4, error_rate: 0.5, interrupted: 3 }),
      ]);

      const metrics = (await request(t.server).get('/metrics').expect(200)).text;
      const interruptedSample = (reason: string) =>
        `slb_requests_interrupted_total{app="${name}",reason="${reason}"}`;
      expect(metrics).toContain(`${interruptedSample('client_closed')} 2`);
      expect(metrics).toContain(`${interruptedSample('node_failed')} 1`);
      expect(metrics).toContain(`${interruptedSample('node_timeout')} 1`);
      expect(metrics).not.toContain(interruptedSample('shutdown'));
    } finally {
      await cutting.close();
    }
  });

  it('refuses someone else\'s logs with 403 "06", unknown apps with 404 and bad queries with 400', async () => {
    const name = await createApp(t.server, owner, [node]);
    const forbidden = await request(t.server).get(`/api/logs/${name}`).set(other.auth);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toBe('06');
    expect((await request(t.server).get('/api/logs/no-such-app').set(owner.auth)).status).toBe(404);
    const bad = [
      'limit=0',
      'limit=1001',
      'limit=abc',
      'cursor=garbage',
      'status=6xx',
      'interrupted=1',
    ];
    for (const query of bad) {
      const res = await request(t.server).get(`/api/logs/${name}?${query}`).set(owner.auth);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('01');
    }
    expect((await request(t.server).get(`/api/logs/${name}`)).status).toBe(401);
  });

  it('computes stats percentiles from a known latency distribution within one histogram bucket', async () => {
    const delays = [...Array(60).fill(0), ...Array(35).fill(30), ...Array(5).fill(300)];
    const slowish = await startFakeNode('slowish', (req, res) => {
      req.resume();
      const delay = Number(new URL(req.url as string, 'http://x').searchParams.get('delay'));
      setTimeout(() => res.end('ok'), delay);
    });
    try {
      const name = await createApp(t.server, owner, [slowish]);
      for (const delay of delays)
        await request(t.server).get(`/api/balance/${name}/?delay=${delay}`).expect(200);
      await waitForLogs(name, delays.length);
      const stats = await statsOnceCounted(name, delays.length);
      expect(stats.requests).toBe(100);
      expect(stats.error_rate).toBe(0);
      expect(stats.p50_ms).toBeLessThanOrEqual(20);
      expect(stats.p95_ms).toBeGreaterThanOrEqual(30);
      expect(stats.p95_ms).toBeLessThanOrEqual(100);
      expect(stats.p99_ms).toBeGreaterThanOrEqual(300);
      expect(stats.p99_ms).toBeLessThanOrEqual(1000);
      expect(stats.nodes).toEqual([
        expect.objectContaining({ end_point: `127.0.0.1:${slowish.port}`, requests: 100 }),
      ]);
      expect(
        (await request(t.server).get(`/api/apps/${name}/stats?window=2h`).set(owner.auth)).status,
      ).toBe(400);
    } finally {
      await slowish.close();
    }
  });

  it('removes the logs of a deleted app', async () => {
    const name = await createApp(t.server, owner, [node]);
    await request(t.server).get(`/api/balance/${name}/x`).expect(200);
    await waitForLogs(name, 1);
    await request(t.server).delete(`/api/apps/${name}`).set(owner.auth).expect(200);
    await request(t.server).post(`/api/apps/${name}`).set(owner.auth).send(node.body()).expect(201);
    expect(await allLogs(name, 10)).toHaveLength(0);
  });

  it('publishes Prometheus metrics per app and node', async () => {
    const name = await createApp(t.server, owner, [node]);
    await request(t.server).get(`/api/balance/${name}/m`).expect(200);
    const res = await request(t.server).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain(`slb_requests_total{app="${name}",code="200"} 1`);
    expect(res.text).toContain(`slb_node_up{app="${name}",node="127.0.0.1:${node.port}"} 1`);
    expect(res.text).toMatch(/slb_request_logs_dropped_total 0/);
    expect(res.text).toMatch(/slb_audit_write_failures_total 0/);
  });
});

describe('Request logs turned off (LOG_ENABLED=false)', () => {
  it('forwards, stores no log entry and records nothing', async () => {
    const t = await startTestApp({ LOG_ENABLED: 'false', LOG_FLUSH_INTERVAL_MS: '50' });
    const node = await startFakeNode('off');
    try {
      const owner = await registerUser(t.server);
      const name = await createApp(t.server, owner, [node]);
      await request(t.server).get(`/api/balance/${name}/quiet`).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const res = await request(t.server).get(`/api/logs/${name}`).set(owner.auth).expect(200);
      expect(res.body.logs).toEqual([]);
      const metrics = await request(t.server).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/slb_request_logs_recorded_total 0/);
      expect(metrics.text).toContain(`slb_requests_total{app="${name}",code="200"} 1`);
    } finally {
      await node.close();
      await t.close();
    }
  });
});

describe('Log pages with a scan limit (LOG_PAGE_SCAN_LIMIT)', () => {
  it('answers a filtered page that finds few matches with what it found and a cursor, and walks every match once', async () => {
    const t = await startTestApp({ LOG_PAGE_SCAN_LIMIT: '3', LOG_FLUSH_INTERVAL_MS: '50' });
    const node = await startFakeNode('scan');
    try {
      const owner = await registerUser(t.server);
      const name = await createApp(t.server, owner, [node]);
      const paths: string[] = [];
      for (let round = 0; round < 6; round++) {
        for (let i = 0; i < 5; i++) {
          const path = i === 2 ? `/match/${round}` : `/other/${round}-${i}`;
          await request(t.server).get(`/api/balance/${name}${path}`).expect(200);
          paths.push(path);
        }
        await new Promise((resolve) => setTimeout(resolve, 150)); // written as a bucket of its own
      }
      const walk = async (query: string) => {
        const pages: string[][] = [];
        let cursor: string | null = null;
        do {
          const res: request.Response = await request(t.server)
            .get(`/api/logs/${name}?limit=10${query}${cursor ? `&cursor=${cursor}` : ''}`)
            .set(owner.auth)
            .expect(200);
          pages.push(res.body.logs.map((log: { path: string }) => log.path));
          cursor = res.body.next_cursor;
        } while (cursor);
        return pages;
      };
      const deadline = Date.now() + 5000;
      while ((await walk('')).flat().length < paths.length) {
        if (Date.now() > deadline) throw new Error('the entries were not all written');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await walk('')).flat()).toEqual([...paths].reverse());
      const matching = await walk('&path_prefix=/match/');
      expect(matching.flat()).toEqual([5, 4, 3, 2, 1, 0].map((round) => `/match/${round}`));
      expect(matching.length).toBeGreaterThanOrEqual(6); // one bucket read per page
    } finally {
      await node.close();
      await t.close();
    }
  });
});
