import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from './support/certificates';
import { FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';

interface Answer {
  status: number;
  body: string;
}

describe('Serving HTTPS (TLS_CERT_FILE, TLS_KEY_FILE)', () => {
  let dir: string;
  let ca: Buffer;
  let t: TestApp;
  let base: string;
  let node: FakeNode;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slb-tls-'));
    const files = makeCertificate(dir, '127.0.0.1');
    ca = readFileSync(files.cert);
    t = await startTestApp({
      TLS_CERT_FILE: files.cert,
      TLS_KEY_FILE: files.key,
      SHUTDOWN_GRACE_MS: '300',
    });
    base = t.url.replace(/^http:/, 'https:');
    node = await startFakeNode('a');
  });
  afterAll(async () => {
    await node.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function send(method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(`${base}${path}`, {
        method,
        ca,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode as number, body: text }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  it('answers the API and forwards over HTTPS, telling the node the client used https', async () => {
    const user = { email: `tls.${Date.now()}@example.com`, password: 'pa55word!' };
    expect((await send('POST', '/api/users', user)).status).toBe(201);
    const login = await send('POST', '/api/auth', user);
    const token = JSON.parse(login.body).access_token as string;
    const app = `tls-${Date.now()}`;
    expect((await send('POST', `/api/apps/${app}`, node.body(), token)).status).toBe(201);

    const forwarded = await send('GET', `/api/balance/${app}/hello`);
    expect(forwarded.status).toBe(200);
    expect(JSON.parse(forwarded.body)).toMatchObject({
      url: '/hello',
      headers: { 'x-forwarded-proto': 'https' },
    });
  });

  it('tunnels a WebSocket upgrade over TLS to a plain node (wss:// in front, ws:// behind)', async () => {
    const user = { email: `wss.${Date.now()}@example.com`, password: 'pa55word!' };
    expect((await send('POST', '/api/users', user)).status).toBe(201);
    const token = JSON.parse((await send('POST', '/api/auth', user)).body).access_token as string;
    const app = `wss-${Date.now()}`;
    expect((await send('POST', `/api/apps/${app}`, node.body(), token)).status).toBe(201);
    const seenByNode: string[] = [];
    node.server.once('upgrade', (req, socket: Socket) => {
      seenByNode.push(String(req.headers['x-forwarded-proto']));
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      );
      socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
    });

    const echoed = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(`${base}/api/balance/${app}/socket`, {
        ca,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket' },
      });
      req.on('upgrade', (res, socket: Socket) => {
        expect(res.statusCode).toBe(101);
        socket.once('data', (chunk: Buffer) => {
          socket.destroy();
          resolve(chunk.toString());
        });
        socket.write('over tls');
      });
      req.on('response', (res) => reject(new Error(`expected a 101, got ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    expect(echoed).toBe('OVER TLS');
    expect(seenByNode).toEqual(['https']);
  });

  it('does not answer plain HTTP on the same port', async () => {
    await expect(
      new Promise((resolve, reject) => {
        const req = httpRequest(`${t.url}/health`, (res) => resolve(res.statusCode));
        req.on('error', reject);
        req.end();
      }),
    ).rejects.toThrow();
  });

  it('shuts down while a connection has not finished its TLS handshake', async () => {
    // Last in this file: the gateway is stopped.
    const stalled = connect(Number(new URL(t.url).port), '127.0.0.1');
    await new Promise((resolve) => stalled.once('connect', resolve));
    const closed = new Promise((resolve) => stalled.once('close', resolve));
    stalled.on('error', () => undefined);
    await t.stop();
    await closed;
  });
});
