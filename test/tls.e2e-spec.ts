import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
    ca = readFileSync(join(dir, 'cert.pem'));
    t = await startTestApp({
      TLS_CERT_FILE: join(dir, 'cert.pem'),
      TLS_KEY_FILE: join(dir, 'key.pem'),
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

  it('does not answer plain HTTP on the same port', async () => {
    await expect(
      new Promise((resolve, reject) => {
        const req = httpRequest(`${t.url}/health`, (res) => resolve(res.statusCode));
        req.on('error', reject);
        req.end();
      }),
    ).rejects.toThrow();
  });
});
