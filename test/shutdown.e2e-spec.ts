import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { createConnection } from 'mongoose';
import {
  REQUEST_LOGS_COLLECTION,
  RequestLogBucket,
} from '../src/request-logs/schemas/request-log.schema';
import { bucketEntries } from '../src/request-logs/testing/bucket-entries';
import { createApp } from './support/apps';
import { FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser } from './support/users';

interface Answer {
  status: number;
  body: string;
}

/** One request, on a connection of its own unless an agent is given; rejects when the connection fails. */
function get(url: string, agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode as number, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function stored(
  uri: string,
): Promise<Array<{ path: string; code: number; interrupted: string | null }>> {
  const connection = await createConnection(uri).asPromise();
  try {
    const buckets = await connection
      .collection<RequestLogBucket>(REQUEST_LOGS_COLLECTION)
      .find()
      .toArray();
    return buckets
      .flatMap((bucket) => bucketEntries(bucket))
      .map((entry) => ({
        path: entry.path,
        code: entry.responseCode,
        interrupted: entry.interrupted,
      }))
      .sort((a, b) => a.path.localeCompare(b.path));
  } finally {
    await connection.close();
  }
}

describe('Graceful shutdown', () => {
  let t: TestApp;
  let node: FakeNode;

  afterEach(async () => {
    await node?.close();
    await t?.close();
  });

  it('stops taking connections, answers the requests in flight, then writes their log entries', async () => {
    node = await startFakeNode('slow', (req, res) => {
      setTimeout(() => res.end(`done ${req.url}`), 400);
    });
    t = await startTestApp();
    const app = await createApp(t.server, await registerUser(t.server), [node]);

    const inFlight = [1, 2, 3, 4, 5].map((i) => get(`${t.url}/api/balance/${app}/${i}`));
    await until(() => node.hits === 5);
    const stopped = t.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(get(`${t.url}/api/balance/${app}/late`)).rejects.toThrow(/ECONNREFUSED/);

    const answers = await Promise.all(inFlight);
    expect(answers).toEqual([1, 2, 3, 4, 5].map((i) => ({ status: 200, body: `done /${i}` })));
    await stopped;
    expect(await stored(t.mongodbUri)).toEqual(
      [1, 2, 3, 4, 5].map((i) => ({ path: `/${i}`, code: 200, interrupted: null })),
    );
  });

  it('closes idle keep-alive connections at once, and cuts a request that outlasts SHUTDOWN_GRACE_MS', async () => {
    node = await startFakeNode('hangs', (req, res) => {
      if (req.url !== '/hang') res.end('quick');
    });
    t = await startTestApp({ SHUTDOWN_GRACE_MS: '300' });
    const app = await createApp(t.server, await registerUser(t.server), [node]);
    const agent = new Agent({ keepAlive: true });
    await expect(get(`${t.url}/api/balance/${app}/quick`, agent)).resolves.toEqual({
      status: 200,
      body: 'quick',
    });
    const idle = Object.values(agent.freeSockets).flat()[0] as Socket;
    const idleClosed = new Promise((resolve) => idle.once('close', resolve));

    const hanging = get(`${t.url}/api/balance/${app}/hang`);
    await until(() => node.hits === 2);
    const stopped = t.stop();
    await idleClosed;
    await expect(hanging).rejects.toThrow(/socket hang up|ECONNRESET/);
    await stopped;
    expect(await stored(t.mongodbUri)).toEqual([
      { path: '/hang', code: 499, interrupted: 'shutdown' },
      { path: '/quick', code: 200, interrupted: null },
    ]);
    agent.destroy();
  });

  it('logs every request it cuts: 499 when the client got no status line (the node answered nothing, or headers still held back), else the status sent', async () => {
    node = await startFakeNode('stalls', (req, res) => {
      if (req.url === '/headers') res.writeHead(200, { 'content-length': '100' }).flushHeaders();
      if (req.url === '/part')
        res.writeHead(200, { 'content-length': '100' }).write('x'.repeat(10));
    });
    t = await startTestApp({ SHUTDOWN_GRACE_MS: '300' });
    const app = await createApp(t.server, await registerUser(t.server), [node]);
    const cut = ['/nothing', '/headers', '/part'].map((path) =>
      get(`${t.url}/api/balance/${app}${path}`).catch(() => undefined),
    );
    await until(() => node.hits === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await t.stop();
    await Promise.all(cut);
    expect(await stored(t.mongodbUri)).toEqual([
      { path: '/headers', code: 499, interrupted: 'shutdown' },
      { path: '/nothing', code: 499, interrupted: 'shutdown' },
      { path: '/part', code: 200, interrupted: 'shutdown' },
    ]);
  });
});
