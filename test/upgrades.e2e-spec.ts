import { IncomingMessage, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createConnection } from 'mongoose';
import request from 'supertest';
import {
  REQUEST_LOGS_COLLECTION,
  RequestLogBucket,
} from '../src/request-logs/schemas/request-log.schema';
import { bucketEntries } from '../src/request-logs/testing/bucket-entries';
import { createApp } from './support/apps';
import { closedPort, FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser, TestUser } from './support/users';

type Answer =
  | { kind: 'upgraded'; res: IncomingMessage; socket: Socket; head: Buffer }
  | { kind: 'response'; res: IncomingMessage; body: string };

/** Sends a WebSocket-style upgrade request; resolves with the tunnel's socket or the plain answer. */
function sendUpgrade(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', ...headers },
    });
    req.on('upgrade', (res, socket, head) => resolve({ kind: 'upgraded', res, socket, head }));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ kind: 'response', res, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgraded(answer: Answer): { res: IncomingMessage; socket: Socket; head: Buffer } {
  if (answer.kind !== 'upgraded') {
    throw new Error(`expected a 101, got ${answer.res.statusCode}: ${answer.body}`);
  }
  return answer;
}

function readUntil(socket: Socket, expected: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.length >= expected.length) {
        socket.off('data', onData);
        resolve(seen);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`socket closed after ${JSON.stringify(seen)}`)));
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

/**
 * A node that switches protocols and echoes what it gets in upper case; it keeps its side of each tunnel, and
 * closes it when the other side does unless told to ignore that.
 */
interface TunnelNode extends FakeNode {
  tunnels: Socket[];
  upgradeHeaders: IncomingMessage['headers'][];
}

async function startTunnelNode(name: string, closesOnEnd = true): Promise<TunnelNode> {
  const node = (await startFakeNode(name)) as TunnelNode;
  node.tunnels = [];
  node.upgradeHeaders = [];
  node.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    node.hits++;
    node.tunnels.push(socket);
    node.upgradeHeaders.push(req.headers);
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        `Upgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\nX-Node: ${name}\r\n` +
        'Keep-Alive: timeout=5\r\nX-Request-Id: node-made-this-up\r\n\r\n',
    );
    if (head.length > 0) socket.write(head.toString().toUpperCase());
    socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
    if (closesOnEnd) socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  return node;
}

describe('Upgrades (WebSocket handshakes) on /api/balance/<app>/<path>', () => {
  let t: TestApp;
  let user: TestUser;
  let ws: TunnelNode;

  beforeAll(async () => {
    t = await startTestApp({ LOG_FLUSH_INTERVAL_MS: '50' });
    user = await registerUser(t.server);
    ws = await startTunnelNode('ws');
  });
  afterAll(async () => {
    await ws.close();
    await t.close();
  });

  async function logsOf(name: string, count: number): Promise<Record<string, unknown>[]> {
    for (;;) {
      const res = await request(t.server).get(`/api/logs/${name}`).set(user.auth).expect(200);
      if (res.body.logs.length >= count) return res.body.logs;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('answers 101 and carries bytes both ways until the client closes, then logs the session', async () => {
    const name = await createApp(t.server, user, [ws]);
    const { res, socket } = upgraded(
      await sendUpgrade(`${t.url}/api/balance/${name}/chat?room=1`, {
        'X-Request-Id': 'ws-session-1',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      }),
    );
    expect(res.statusCode).toBe(101);
    expect(res.headers).toMatchObject({
      upgrade: 'websocket',
      connection: 'upgrade',
      'x-node': 'ws',
      'x-request-id': 'ws-session-1',
    });
    expect(res.headers['keep-alive']).toBeUndefined();

    const seen = ws.upgradeHeaders[ws.upgradeHeaders.length - 1];
    expect(seen).toMatchObject({
      upgrade: 'websocket',
      connection: 'upgrade',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'x-forwarded-for': '127.0.0.1',
      'x-request-id': 'ws-session-1',
    });

    socket.write('hello');
    expect(await readUntil(socket, 'HELLO')).toBe('HELLO');
    socket.write('again');
    expect(await readUntil(socket, 'AGAIN')).toBe('AGAIN');

    const nodeSide = ws.tunnels[ws.tunnels.length - 1];
    socket.destroy();
    await closed(nodeSide);

    const logs = await logsOf(name, 1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      method: 'GET',
      path: '/chat',
      response_code: 101,
      end_point: `127.0.0.1:${ws.port}`,
      request_id: 'ws-session-1',
      bytes_in: 10,
      bytes_out: 10,
      interrupted: null,
    });
  });

  it('closes the client side when the node closes the tunnel', async () => {
    const name = await createApp(t.server, user, [ws]);
    const { socket } = upgraded(await sendUpgrade(`${t.url}/api/balance/${name}/`));
    socket.write('x');
    await readUntil(socket, 'X');
    ws.tunnels[ws.tunnels.length - 1].destroy();
    await closed(socket);
  });

  it("keeps a tunnel open past the app's timeout, which bounds only the handshake", async () => {
    const name = await createApp(t.server, user, [ws], { timeout_ms: 200 });
    const { socket } = upgraded(await sendUpgrade(`${t.url}/api/balance/${name}/`));
    await new Promise((resolve) => setTimeout(resolve, 500));
    socket.write('still there');
    expect(await readUntil(socket, 'STILL THERE')).toBe('STILL THERE');
    socket.destroy();
  });

  it('closes the tunnel when the client half-closes it, even if the node ignores that', async () => {
    const stubborn = await startTunnelNode('stubborn', false);
    const name = await createApp(t.server, user, [stubborn]);
    const { socket } = upgraded(await sendUpgrade(`${t.url}/api/balance/${name}/`));
    socket.write('bye');
    await readUntil(socket, 'BYE');
    socket.end();
    await closed(socket);
    await stubborn.close();
  });

  it('retries the handshake on another node when the first refuses the connection', async () => {
    const deadPort = await closedPort();
    const name = await createApp(t.server, user, [ws], { strategy: 'round-robin' });
    await request(t.server)
      .post(`/api/nodes/${name}`)
      .set(user.auth)
      .send({ ...ws.body(), port: deadPort })
      .expect(201);
    for (let i = 0; i < 4; i++) {
      const { socket } = upgraded(await sendUpgrade(`${t.url}/api/balance/${name}/`));
      socket.write('ok');
      expect(await readUntil(socket, 'OK')).toBe('OK');
      socket.destroy();
    }
    const logs = await logsOf(name, 4);
    const retried = logs.filter((log) => log.attempts === 2);
    expect(retried.length).toBeGreaterThanOrEqual(1); // until passive checks mark the dead node down
    for (const log of retried) {
      expect(log).toMatchObject({
        response_code: 101,
        nodes_tried: [`127.0.0.1:${deadPort}`, `127.0.0.1:${ws.port}`],
      });
    }
  });

  it('counts an open tunnel as a busy node for least-connections', async () => {
    const other = await startTunnelNode('other');
    const name = await createApp(t.server, user, [ws, other], { strategy: 'least-connections' });
    const { res, socket } = upgraded(await sendUpgrade(`${t.url}/api/balance/${name}/`));
    const free = res.headers['x-node'] === 'ws' ? 'other' : 'ws';
    for (let i = 0; i < 10; i++) {
      const answer = await request(t.server).get(`/api/balance/${name}/`).expect(200);
      expect(answer.headers['x-node']).toBe(free);
    }
    socket.destroy();
    await other.close();
  });

  it('carries 50 tunnels at once, each to its end, and leaves nothing counted in flight', async () => {
    const name = await createApp(t.server, user, [ws]);
    const activeTunnels = async () => {
      const metrics = (await request(t.server).get('/metrics').expect(200)).text;
      const line = metrics
        .split('\n')
        .find((l) => l.startsWith(`slb_node_active_requests{app="${name}"`));
      return Number(line?.split(' ').pop());
    };
    const tunnels = await Promise.all(
      Array.from({ length: 50 }, async () =>
        upgraded(await sendUpgrade(`${t.url}/api/balance/${name}/`)),
      ),
    );
    expect(await activeTunnels()).toBe(50);
    const echoes = await Promise.all(
      tunnels.map(({ socket }, i) => {
        socket.write(`tunnel ${i}`);
        return readUntil(socket, `TUNNEL ${i}`);
      }),
    );
    expect(echoes).toEqual(tunnels.map((_, i) => `TUNNEL ${i}`));
    for (const { socket } of tunnels) socket.destroy();
    const logs = await logsOf(name, 50);
    expect(logs.filter((log) => log.response_code === 101)).toHaveLength(50);
    expect(await activeTunnels()).toBe(0);
  });

  it('passes on a node that answers the handshake with a plain response', async () => {
    const plain = await startFakeNode('plain', (req, res) => {
      req.resume();
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('use another protocol');
    });
    const name = await createApp(t.server, user, [plain]);
    const answer = await sendUpgrade(`${t.url}/api/balance/${name}/`);
    expect(answer.kind).toBe('response');
    expect(answer.res.statusCode).toBe(426);
    expect(answer.kind === 'response' && answer.body).toBe('use another protocol');
    await plain.close();
  });

  it('answers refused handshakes in the contract shape: unknown app, private app without a token', async () => {
    const unknown = await sendUpgrade(`${t.url}/api/balance/no-such-app-${Date.now()}/`);
    expect(unknown.res.statusCode).toBe(404);
    expect(unknown.kind === 'response' && JSON.parse(unknown.body)).toMatchObject({
      status_code: 404,
      error: '02',
    });

    const name = await createApp(t.server, user, [ws], { private: true });
    const anonymous = await sendUpgrade(`${t.url}/api/balance/${name}/`);
    expect(anonymous.res.statusCode).toBe(401);
    expect(anonymous.kind === 'response' && JSON.parse(anonymous.body)).toMatchObject({
      error: '05',
    });
    const owner = upgraded(
      await sendUpgrade(`${t.url}/api/balance/${name}/`, {
        Authorization: user.auth.Authorization,
      }),
    );
    expect(owner.res.statusCode).toBe(101);
    owner.socket.destroy();
  });

  it('answers 504 "09" when the node does not answer the handshake in time', async () => {
    const silent = await startFakeNode('silent');
    silent.server.on('upgrade', () => undefined);
    const name = await createApp(t.server, user, [silent], { timeout_ms: 200 });
    const answer = await sendUpgrade(`${t.url}/api/balance/${name}/`);
    expect(answer.res.statusCode).toBe(504);
    expect(answer.kind === 'response' && JSON.parse(answer.body)).toMatchObject({ error: '09' });
    await silent.close();
  });

  it('lets other routes answer an upgrade request as a plain request', async () => {
    const answer = await sendUpgrade(`${t.url}/api/apps`, {
      Authorization: user.auth.Authorization,
    });
    expect(answer.kind).toBe('response');
    expect(answer.res.statusCode).toBe(200);
    expect(answer.kind === 'response' && JSON.parse(answer.body)).toHaveProperty('apps');
  });

  /** Writes `parts` one after the other on a new connection; resolves with all the gateway wrote back. */
  function exchangeRaw(parts: (string | Buffer)[]): Promise<string> {
    const { port } = new URL(t.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', async () => {
        for (const part of parts) {
          socket.write(part);
          await new Promise((done) => setTimeout(done, 20));
        }
      });
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  function dechunk(chunked: string): string {
    let body = '';
    for (let at = 0; ;) {
      const lineEnd = chunked.indexOf('\r\n', at);
      const size = parseInt(chunked.slice(at, lineEnd), 16);
      if (size === 0) return body;
      body += chunked.slice(lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }

  const h2cUpgrade = (name: string, body: string) =>
    `POST /api/balance/${name}/pay HTTP/1.1\r\nHost: gw\r\n` +
    'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n' +
    `Content-Length: ${body.length}\r\n\r\n`;

  it.each([
    ['a small body, sent with the headers', 10, 1],
    ['a 200 KB body, sent in parts after the headers', 200_000, 4],
  ])(
    'forwards a request with an Upgrade header and %s as a plain request (h2c, as curl --http2 asks)',
    async (_, size, parts) => {
      const name = await createApp(t.server, user, [ws]);
      const body = 'x'.repeat(size - 1) + '!';
      const step = Math.ceil(size / parts);
      const pieces = Array.from({ length: parts }, (_, i) => body.slice(i * step, (i + 1) * step));
      const sent =
        parts === 1 ? [h2cUpgrade(name, body) + body] : [h2cUpgrade(name, body), ...pieces];
      const answer = await exchangeRaw(sent);
      const end = answer.indexOf('\r\n\r\n');
      expect(answer.slice(0, end)).toMatch(/^HTTP\/1\.1 200 [^]*\r\nconnection: close\r\n/i);
      const echoed = JSON.parse(dechunk(answer.slice(end + 4)));
      expect(echoed).toMatchObject({ method: 'POST', url: '/pay', body });
      expect(echoed.headers.upgrade).toBeUndefined();
      expect(echoed.headers['http2-settings']).toBeUndefined();
    },
  );

  it('refuses an Upgrade request with a chunked body in the contract shape', async () => {
    const name = await createApp(t.server, user, [ws]);
    const answer = await exchangeRaw([
      `POST /api/balance/${name}/pay HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n` +
        'Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    ]);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.split('\r\n\r\n')[1])).toMatchObject({
      status_code: 400,
      error: '01',
    });
  });

  it('keeps tunnels open through SHUTDOWN_GRACE_MS at shutdown, then cuts those still open', async () => {
    // Last in this file: passport keeps one 'jwt' strategy per process, and the last app started sets it.
    const other = await startTestApp({ SHUTDOWN_GRACE_MS: '3000' });
    const owner = await registerUser(other.server);
    const name = await createApp(other.server, owner, [ws]);
    const lasting = upgraded(await sendUpgrade(`${other.url}/api/balance/${name}/`)).socket;
    const ending = upgraded(await sendUpgrade(`${other.url}/api/balance/${name}/`)).socket;
    try {
      const stopped = other.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const echo = readUntil(lasting, 'STILL OPEN');
      lasting.write('still open');
      await expect(echo).resolves.toBe('STILL OPEN');
      ending.end();
      await closed(ending);
      expect(lasting.destroyed).toBe(false);
      await closed(lasting);
      await stopped;
      const connection = await createConnection(other.mongodbUri).asPromise();
      const buckets = await connection
        .collection<RequestLogBucket>(REQUEST_LOGS_COLLECTION)
        .find()
        .toArray();
      await connection.close();
      const entries = buckets.flatMap((bucket) => bucketEntries(bucket));
      expect(
        entries.map(({ responseCode, interrupted }) => ({ responseCode, interrupted })),
      ).toEqual(
        expect.arrayContaining([
          { responseCode: 101, interrupted: null },
          { responseCode: 101, interrupted: 'shutdown' },
        ]),
      );
      expect(entries).toHaveLength(2);
    } finally {
      lasting.destroy();
      ending.destroy();
      await other.close();
    }
  });
});
