import { createHash, randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import request from 'supertest';
import { createApp } from './support/apps';
import { closedPort, echo, FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser, TestUser } from './support/users';

/** Sends `head` to the server at `url` on a raw connection; resolves with all it answered once it closes. */
function rawExchange(url: string, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(new URL(url).port), '127.0.0.1', () =>
      socket.write(head),
    );
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('end', () => resolve(received));
  });
}

describe('Forwarding (ANY /api/balance/<app>/<path>)', () => {
  let t: TestApp;
  let user: TestUser;
  let a: FakeNode;
  let b: FakeNode;

  beforeAll(async () => {
    t = await startTestApp({ MAX_PROXY_BODY: '8mb' });
    user = await registerUser(t.server);
    [a, b] = await Promise.all([startFakeNode('a'), startFakeNode('b')]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await t.close();
  });

  it('forwards method, path, query, headers and body, and answers with the node response', async () => {
    const name = await createApp(t.server, user, [a]);
    const res = await request(t.server)
      .post(`/api/balance/${name}/orders/42?expand=items&x=%20y`)
      .set('X-Custom', 'kept')
      .set('X-Request-Id', 'client-id-1')
      .set('Host', 'shop.example.com')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'spoofed.example.com')
      .set('X-Forwarded-For', '6.6.6.6')
      .set('Forwarded', 'for=6.6.6.6;proto=https')
      .send({ hello: 'world' });
    expect(res.status).toBe(200);
    expect(res.headers['x-node']).toBe('a');
    expect(res.headers['x-request-id']).toBe('client-id-1');
    expect(res.body).toMatchObject({
      method: 'POST',
      url: '/orders/42?expand=items&x=%20y',
      body: '{"hello":"world"}',
    });
    expect(res.body.headers).toMatchObject({
      'x-custom': 'kept',
      'x-request-id': 'client-id-1',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'shop.example.com',
      'content-type': 'application/json',
    });
    expect(res.body.headers.forwarded).toBeUndefined();
  });

  it('takes a request target in absolute form as its path, with its authority as the host', async () => {
    const name = await createApp(t.server, user, [a]);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(t.url).port), '127.0.0.1', () =>
        socket.write(
          `GET http://shop.example.com/api/balance/${name}/items?q=1 HTTP/1.1\r\n` +
            'Host: ignored.example\r\nConnection: close\r\n\r\n',
        ),
      );
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    const seen = JSON.parse(answer.slice(answer.indexOf('{'), answer.lastIndexOf('}') + 1));
    expect(seen).toMatchObject({ node: 'a', url: '/items?q=1' });
    expect(seen.headers['x-forwarded-host']).toBe('shop.example.com');
  });

  it('forwards /api/balance/<app> and /api/balance/<app>?q as the root path', async () => {
    const name = await createApp(t.server, user, [a]);
    expect((await request(t.server).get(`/api/balance/${name}`)).body.url).toBe('/');
    expect((await request(t.server).get(`/api/balance/${name}?q=1`)).body.url).toBe('/?q=1');
    expect((await request(t.server).get(`/api/balance/${name}/`)).body.url).toBe('/');
  });

  it('passes node statuses, headers and bodies through as they are', async () => {
    const node = await startFakeNode('teapot', (req, res) => {
      req.resume();
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.writeHead(418, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
      res.end('short and stout');
    });
    const name = await createApp(t.server, user, [node]);
    const res = await request(t.server).get(`/api/balance/${name}/brew`);
    expect(res.status).toBe(418);
    expect(res.text).toBe('short and stout');
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    await node.close();
  });

  it('strips hop-by-hop headers both ways, including those named in Connection', async () => {
    const node = await startFakeNode('hop', (req, res) => {
      req.resume();
      res.writeHead(200, {
        Connection: 'X-Secret-Hop',
        'X-Secret-Hop': 'leaks',
        'Proxy-Authenticate': 'Basic',
        'Keep-Alive': 'timeout=5',
        'X-Request-Id': 'node-made-this-up',
        'content-type': 'application/json',
      });
      res.end(JSON.stringify(req.headers));
    });
    const name = await createApp(t.server, user, [node]);
    const res = await request(t.server)
      .get(`/api/balance/${name}/`)
      .set('Connection', 'keep-alive, X-Client-Hop')
      .set('X-Client-Hop', 'leaks')
      .set('Proxy-Authorization', 'Basic abc')
      .set('TE', 'gzip')
      .set('Upgrade', 'h2c');
    const seen = JSON.parse(res.text);
    expect(seen['x-client-hop']).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen.upgrade).toBeUndefined();
    expect(res.headers['x-secret-hop']).toBeUndefined();
    expect(res.headers['proxy-authenticate']).toBeUndefined();
    expect(res.headers['x-request-id']).not.toBe('node-made-this-up');
    expect(res.headers['x-request-id']).toBe(seen['x-request-id']);
    await node.close();
  });

  it('streams 5 MB bodies intact both ways', async () => {
    const node = await startFakeNode('big', (req, res) => {
      const hash = createHash('sha256');
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      req.on('end', () => {
        const reply = randomBytes(5 * 1024 * 1024);
        res.writeHead(200, {
          'x-received-size': String(size),
          'x-received-sha256': hash.digest('hex'),
          'x-sent-sha256': createHash('sha256').update(reply).digest('hex'),
          'content-type': 'application/octet-stream',
        });
        res.end(reply);
      });
    });
    const name = await createApp(t.server, user, [node]);
    const upload = randomBytes(5 * 1024 * 1024);
    const res = await request(t.server)
      .put(`/api/balance/${name}/blob`)
      .set('Content-Type', 'application/octet-stream')
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .send(upload);
    expect(res.status).toBe(200);
    expect(res.headers['x-received-size']).toBe(String(upload.length));
    expect(res.headers['x-received-sha256']).toBe(
      createHash('sha256').update(upload).digest('hex'),
    );
    expect(
      createHash('sha256')
        .update(res.body as Buffer)
        .digest('hex'),
    ).toBe(res.headers['x-sent-sha256']);
    await node.close();
  });

  it('answers a body over MAX_PROXY_BODY with 413 "08", declared or streamed', async () => {
    const name = await createApp(t.server, user, [a]);
    const declared = await request(t.server)
      .post(`/api/balance/${name}/`)
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.alloc(9 * 1024 * 1024));
    expect(declared.status).toBe(413);
    expect(declared.body.error).toBe('08');
    const streamed = await chunkedUpload(t.url, `/api/balance/${name}/`, 9 * 1024 * 1024);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error).toBe('08');
  });

  it('answers an unknown app with 404 "02"', async () => {
    for (const path of [
      '/api/balance/nope-nothing',
      '/api/balance/nope-nothing/x',
      '/api/balance',
      '/api/balance/',
    ]) {
      const res = await request(t.server).get(path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status_code: 404, error: '02' });
      expect(res.headers['x-request-id']).toBe(res.body.request_id);
    }
  });

  it('retries a refused connection on a different node', async () => {
    const dead = {
      body: async () => ({ host: '127.0.0.1', port: await closedPort(), statuspath: '/health' }),
    };
    const name = await createApp(t.server, user, [a]);
    await request(t.server)
      .post(`/api/nodes/${name}`)
      .set(user.auth)
      .send(await dead.body())
      .expect(201);
    await request(t.server)
      .patch(`/api/apps/${name}`)
      .set(user.auth)
      .send({ strategy: 'round-robin' })
      .expect(200);
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await request(t.server).post(`/api/balance/${name}/`).send({ i })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('retries an idempotent request after a reset on another node, but never a POST that was sent', async () => {
    const resetting = await startFakeNode('reset', (req) => req.socket.destroy());
    const name = await createApp(t.server, user, [resetting, a], {
      strategy: 'round-robin',
      retries: 1,
    });
    try {
      const get = await request(t.server).get(`/api/balance/${name}/safe`);
      expect(get.status).toBe(200);
      expect(get.headers['x-node']).toBe('a');
      expect(resetting.hits).toBe(1);
      const posts = [];
      for (let i = 0; i < 2; i++)
        posts.push(
          (await request(t.server).post(`/api/balance/${name}/unsafe`).send({ i })).status,
        );
      expect(posts).toContain(502);
    } finally {
      await resetting.close();
    }
  });

  it('retries on a new connection to the same node when it closes a kept-alive connection under a request', async () => {
    // Each answers the first request of a connection and does `then` with the next one's: closesWhenIdle
    // closes it, as a node that closes idle connections does when a request crosses the close.
    const onceAConnection = (then: (socket: Socket) => void) => {
      const answered = new WeakSet<Socket>();
      return startFakeNode('once-a-connection', (req, res, node) => {
        if (answered.has(req.socket)) {
          then(req.socket);
          return;
        }
        answered.add(req.socket);
        echo(req, res, node);
      });
    };
    const closesWhenIdle = () => onceAConnection((socket) => socket.destroy());
    const [forGet, forPost] = await Promise.all([closesWhenIdle(), closesWhenIdle()]);
    // An unsolicited 100 Continue on a kept-alive connection is a bad answer, not a closed connection.
    const garbling = await onceAConnection((socket) =>
      socket.write('HTTP/1.1 100 Continue\r\n\r\n'),
    );
    const cutting = await startFakeNode('cuts-every-request', (req) => req.socket.destroy());
    try {
      const getApp = await createApp(t.server, user, [forGet], { retries: 1 });
      for (let i = 0; i < 2; i++) {
        expect((await request(t.server).get(`/api/balance/${getApp}/again`)).status).toBe(200);
      }
      expect(forGet.hits).toBe(3); // the second request: cut, then sent again on a new connection
      const view = await request(t.server).get(`/api/apps/${getApp}`).set(user.auth).expect(200);
      expect(view.body.nodes[0]).toMatchObject({ status: 'up', last_error: null });

      const postApp = await createApp(t.server, user, [forPost], { retries: 1 });
      expect((await request(t.server).get(`/api/balance/${postApp}/first`)).status).toBe(200);
      const post = await request(t.server).post(`/api/balance/${postApp}/once`).send({ i: 1 });
      expect(post.status).toBe(502);
      expect(forPost.hits).toBe(2); // a POST that was sent is not sent again

      const cutApp = await createApp(t.server, user, [cutting], { retries: 1 });
      expect((await request(t.server).get(`/api/balance/${cutApp}/`)).status).toBe(502);
      expect(cutting.hits).toBe(1); // a new connection cut is the node's failure: no second attempt on it
      const cutView = await request(t.server).get(`/api/apps/${cutApp}`).set(user.auth).expect(200);
      expect(cutView.body.nodes[0].last_error).toMatch(/other side closed/);

      const garbledApp = await createApp(t.server, user, [garbling], { retries: 1 });
      expect((await request(t.server).get(`/api/balance/${garbledApp}/first`)).status).toBe(200);
      expect((await request(t.server).get(`/api/balance/${garbledApp}/next`)).status).toBe(502);
      expect(garbling.hits).toBe(2);
      const garbledView = await request(t.server)
        .get(`/api/apps/${garbledApp}`)
        .set(user.auth)
        .expect(200);
      expect(garbledView.body.nodes[0].last_error).toMatch(/bad response/);
    } finally {
      await Promise.all([forGet.close(), forPost.close(), cutting.close(), garbling.close()]);
    }
  });

  it('answers 502 "04" when every attempt fails, and 503 "03" once the nodes are marked down', async () => {
    const app = await createApp(t.server, user, [a]);
    const ports = [await closedPort(), await closedPort()];
    for (const port of ports) {
      await request(t.server)
        .post(`/api/nodes/${app}`)
        .set(user.auth)
        .send({ host: '127.0.0.1', port, statuspath: '/h' });
    }
    await request(t.server)
      .delete(`/api/nodes/${app}`)
      .set(user.auth)
      .send({ host: a.host, port: a.port })
      .expect(200);
    const first = await request(t.server).get(`/api/balance/${app}/`);
    expect(first.status).toBe(502);
    expect(first.body.error).toBe('04');
    let last = first;
    for (let i = 0; i < 4 && last.status === 502; i++)
      last = await request(t.server).get(`/api/balance/${app}/`);
    expect(last.status).toBe(503);
    expect(last.body.error).toBe('03');
    const view = await request(t.server).get(`/api/apps/${app}`).set(user.auth);
    expect(view.body.nodes.map((n: { status: string }) => n.status)).toEqual(['down', 'down']);
    expect(view.body.nodes[0].last_error).toMatch(/ECONNREFUSED/);
  });

  it('answers 504 "09" when the node does not answer within timeout_ms', async () => {
    const slow = await startFakeNode('slow', (req, res) => {
      req.resume();
      setTimeout(() => res.end('late'), 1500);
    });
    const name = await createApp(t.server, user, [slow], { timeout_ms: 200, retries: 0 });
    const res = await request(t.server).get(`/api/balance/${name}/`);
    expect(res.status).toBe(504);
    expect(res.body.error).toBe('09');
    const view = await request(t.server).get(`/api/apps/${name}`).set(user.auth).expect(200);
    expect(view.body.nodes[0].last_error).toBe('timeout');
    await slow.close();
  });

  it('bounds the whole answer by timeout_ms, also for a node that trickles its body', async () => {
    const trickle = await startFakeNode('trickle', (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const name = await createApp(t.server, user, [trickle], { timeout_ms: 400 });
    const started = Date.now();
    const outcome = await downloadOutcome(`${t.url}/api/balance/${name}/`);
    expect(outcome).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(3000);
    await trickle.close();
  });

  it("passes the node's trailer fields on to an HTTP/1.1 client, and answers an HTTP/1.0 one without them", async () => {
    const node = await startFakeNode('trailers', (req, res) => {
      req.resume();
      res.writeHead(200, { Trailer: 'X-Checksum, Server-Timing', 'content-type': 'text/plain' });
      res.write('part one, ');
      res.addTrailers([
        ['X-Checksum', 'sha256=abc'],
        ['Server-Timing', 'db;dur=53'],
        ['Keep-Alive', 'timeout=5'],
      ]);
      res.end('part two');
    });
    const name = await createApp(t.server, user, [node]);
    const answer = await new Promise<{ body: string; trailers: NodeJS.Dict<string> }>(
      (resolve, reject) => {
        httpRequest(`${t.url}/api/balance/${name}/`, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ body, trailers: res.trailers }));
        })
          .on('error', reject)
          .end();
      },
    );
    expect(answer).toEqual({
      body: 'part one, part two',
      trailers: { 'x-checksum': 'sha256=abc', 'server-timing': 'db;dur=53' },
    });

    const http10 = await rawExchange(t.url, `GET /api/balance/${name}/ HTTP/1.0\r\n\r\n`);
    expect(http10).toMatch(/^HTTP\/1\.1 200 /);
    expect(http10.endsWith('\r\n\r\npart one, part two')).toBe(true);
    expect(http10).not.toMatch(/sha256|^trailer:/im);
    await node.close();
  });

  it('forwards through a node that sends 103 Early Hints before its answer', async () => {
    const hinting = await startFakeNode('hints', (req, res) => {
      req.resume();
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.end('after hints');
    });
    const name = await createApp(t.server, user, [hinting]);
    for (let i = 0; i < 3; i++) {
      const res = await request(t.server).get(`/api/balance/${name}/`);
      expect(res.status).toBe(200);
      expect(res.text).toBe('after hints');
    }
    await hinting.close();
  });

  it('aborts the client connection when the node resets after sending headers', async () => {
    const flaky = await startFakeNode('flaky', (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const name = await createApp(t.server, user, [flaky]);
    const outcome = await downloadOutcome(`${t.url}/api/balance/${name}/`);
    expect(outcome).toBe('aborted');
    await flaky.close();
  });

  it('answers 502 "04" or 504 "09" when the node fails after its headers but before any body byte', async () => {
    const node = await startFakeNode('headers-only', (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '10' });
      res.flushHeaders();
      if (req.url === '/close') setTimeout(() => res.socket?.destroy(), 50);
    });
    const name = await createApp(t.server, user, [node], { timeout_ms: 300, retries: 0 });
    const closed = await request(t.server).get(`/api/balance/${name}/close`);
    expect(closed.status).toBe(502);
    expect(closed.body).toMatchObject({ status_code: 502, error: '04' });
    const silent = await request(t.server).get(`/api/balance/${name}/silent`);
    expect(silent.status).toBe(504);
    expect(silent.body).toMatchObject({ status_code: 504, error: '09' });
    await node.close();
  });

  it('passes on a 304 that states a Content-Length, without counting it against the node', async () => {
    const node = await startFakeNode('not-modified', (req, res) => {
      req.resume();
      res.socket?.write('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 5\r\n\r\n');
    });
    const name = await createApp(t.server, user, [node]);
    for (let i = 0; i < 3; i++) {
      const res = await request(t.server).get(`/api/balance/${name}/`).set('If-None-Match', '"v1"');
      expect(res.status).toBe(304);
      expect(res.headers.etag).toBe('"v1"');
    }
    const view = await request(t.server).get(`/api/apps/${name}`).set(user.auth).expect(200);
    expect(view.body.nodes[0]).toMatchObject({ status: 'up', last_error: null });
    await node.close();
  });

  it('keeps the connection usable when the node answers before reading a streamed upload', async () => {
    // A raw node: it answers /upload at once, closing, and never reads the rest of the upload.
    const sockets = new Set<Socket>();
    const node = createNetServer((socket) => {
      sockets.add(socket);
      socket.once('data', (first) => {
        const line = first.toString('latin1').split('\r\n', 1)[0];
        if (line.includes(' /upload ')) {
          socket.pause();
          socket.end(
            'HTTP/1.1 202 Accepted\r\nContent-Length: 14\r\nConnection: close\r\n\r\naccepted early',
          );
        } else {
          socket.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnext');
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
    const port = (node.address() as { port: number }).port;
    const name = await createApp(t.server, user, [
      { body: () => ({ host: '127.0.0.1', port, statuspath: '/health' }) } as FakeNode,
    ]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (path: string, body: Buffer | null) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(
          `${t.url}/api/balance/${name}${path}`,
          { method: 'POST', agent },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode as number, text }));
          },
        );
        req.on('error', reject);
        req.end(body ?? undefined);
      });
    await expect(send('/upload', randomBytes(2 * 1024 * 1024))).resolves.toEqual({
      status: 202,
      text: 'accepted early',
    });
    await expect(send('/after', null)).resolves.toEqual({ status: 200, text: 'next' });
    agent.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => node.close(resolve));
  });

  it('resets, rather than ends, an HTTP/1.0 connection whose body the node cut short', async () => {
    const node = await startFakeNode('cut', (req, res) => {
      req.resume();
      res.write('partial body');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const name = await createApp(t.server, user, [node], { retries: 0 });
    const outcome = await new Promise<string>((resolve) => {
      const socket: Socket = connect(Number(new URL(t.url).port), '127.0.0.1', () =>
        socket.write(`GET /api/balance/${name}/ HTTP/1.0\r\n\r\n`),
      );
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('error', (error: Error & { code?: string }) => resolve(`${error.code}`));
      socket.on('end', () => resolve(`clean end after ${JSON.stringify(received)}`));
    });
    expect(outcome).toBe('ECONNRESET');
    await node.close();
  });

  it('cancels the upstream request when the client goes away, without counting it against the node', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const hanging = await startFakeNode('hang', (req, res) => {
      req.resume();
      res.on('close', () => upstreamClosed());
    });
    const name = await createApp(t.server, user, [hanging]);
    const client = httpRequest(`${t.url}/api/balance/${name}/`);
    client.on('error', () => undefined);
    client.end();
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.destroy();
    await expect(
      Promise.race([closed.then(() => 'closed'), sleep(3000).then(() => 'still open')]),
    ).resolves.toBe('closed');
    for (let i = 0; i < 2; i++) {
      const again = httpRequest(`${t.url}/api/balance/${name}/`);
      again.on('error', () => undefined);
      again.end();
      await sleep(100);
      again.destroy();
    }
    await sleep(100);
    const view = await request(t.server).get(`/api/apps/${name}`).set(user.auth).expect(200);
    expect(view.body.nodes[0].status).toBe('up');
    await hanging.close();
  });

  it('serves 200 parallel requests across the nodes', async () => {
    a.hits = 0;
    b.hits = 0;
    const name = await createApp(t.server, user, [a, b]);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => request(t.server).get(`/api/balance/${name}/n/${i}`)),
    );
    expect(answers.every((res) => res.status === 200)).toBe(true);
    expect(answers.map((res) => res.body.url).sort()).toEqual(
      Array.from({ length: 200 }, (_, i) => `/n/${i}`).sort(),
    );
    expect(a.hits + b.hits).toBe(200);
    expect(a.hits).toBeGreaterThan(40);
    expect(b.hits).toBeGreaterThan(40);
  });

  it("serves a private app only with its owner's token", async () => {
    const stranger = await registerUser(t.server);
    const name = await createApp(t.server, user, [a], { private: true });
    const anonymous = await request(t.server).get(`/api/balance/${name}/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('05');
    const forbidden = await request(t.server).get(`/api/balance/${name}/`).set(stranger.auth);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toBe('06');
    await request(t.server).get(`/api/balance/${name}/`).set(user.auth).expect(200);
    await request(t.server)
      .get(`/api/balance/${name}/`)
      .set('Authorization', `JWT ${user.token}`)
      .expect(200);
  });
});

function downloadOutcome(url: string): Promise<'complete' | 'aborted'> {
  return new Promise((resolve) => {
    httpRequest(url, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve('complete'));
      res.on('error', () => resolve('aborted'));
      res.on('aborted', () => resolve('aborted'));
    })
      .on('error', () => resolve('aborted'))
      .end();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function chunkedUpload(
  base: string,
  path: string,
  size: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      { method: 'POST', headers: { 'transfer-encoding': 'chunked' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}
