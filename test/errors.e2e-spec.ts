import { connect } from 'node:net';
import request from 'supertest';
import { createApp } from './support/apps';
import { FakeNode, startFakeNode } from './support/fake-node';
import { startTestApp, TestApp } from './support/test-app';
import { registerUser } from './support/users';

describe('The error shape and request ids', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ MAX_JSON_BODY: '1kb' });
  });
  afterAll(() => t.close());

  const errorShape = (status: number, error: string) => ({
    status_code: status,
    error,
    description: expect.any(String),
    request_id: expect.any(String),
  });

  it('answers malformed JSON with 400 "01"', async () => {
    const res = await request(t.server)
      .post('/api/users')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@b.co",');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorShape(400, '01'));
  });

  it.each(['[]', '"text"', 'null', '42'])(
    'answers a JSON body %s that is not an object with 400 "01"',
    async (body) => {
      const res = await request(t.server)
        .post('/api/users')
        .set('Content-Type', 'application/json')
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorShape(400, '01'));
    },
  );

  it('answers a body over MAX_JSON_BODY with 413 "08"', async () => {
    const res = await request(t.server)
      .post('/api/users')
      .send({ email: 'a@b.co', password: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(errorShape(413, '08'));
  });

  /** Sends raw bytes on a new connection; resolves with all the server wrote before it closed. */
  function sendRaw(bytes: string, halfClose = true): Promise<string> {
    const { port } = new URL(t.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        halfClose ? socket.end(bytes) : socket.write(bytes),
      );
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it.each([
    [
      'a header line without a colon',
      'GET /health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n',
      400,
      '01',
    ],
    ['a malformed request line', 'GET /health HTTP/9.Z\r\nHost: x\r\n\r\n', 400, '01'],
    [
      'a non-numeric Content-Length',
      'POST /api/auth HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      400,
      '01',
    ],
    [
      'headers over 16 KB',
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      '08',
    ],
    ['an HTTP/1.1 request without Host', 'GET /health HTTP/1.1\r\n\r\n', 400, '01'],
    ['two Host lines', 'GET /health HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n', 400, '01'],
    ['two Host lines in HTTP/1.0', 'GET /health HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n', 400, '01'],
    [
      'two Host lines on an upgrade request',
      'GET /api/balance/any HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
      400,
      '01',
    ],
    [
      'a second Host line after 1,100 other header lines',
      `GET /health HTTP/1.1\r\nHost: a\r\n${'x:\r\n'.repeat(1100)}Host: b\r\n\r\n`,
      400,
      '01',
    ],
    [
      'an HTTP/1.1 request in absolute form without Host',
      'GET http://x/health HTTP/1.1\r\n\r\n',
      400,
      '01',
    ],
    ['a Host that is not host[:port]', 'GET /health HTTP/1.1\r\nHost: a/b c\r\n\r\n', 400, '01'],
    [
      'an absolute-form target with userinfo',
      'GET http://user@x/health HTTP/1.1\r\nHost: x\r\n\r\n',
      400,
      '01',
    ],
    [
      'a transfer coding other than chunked',
      'POST /api/auth HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
      501,
      '01',
    ],
    [
      'an Expect other than 100-continue',
      'GET /health HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n',
      417,
      '01',
    ],
    ['CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 404, '02'],
  ])(
    'answers %s, which Node would refuse bare or let through, in the error shape',
    async (_, bytes, status, code) => {
      const answer = await sendRaw(bytes);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(head).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/i);
      const requestId = /\r\nx-request-id: ([\w-]+)/i.exec(head)?.[1];
      expect(JSON.parse(body)).toEqual({ ...errorShape(status, code), request_id: requestId });
    },
  );

  it.each([
    'example.com:8080',
    '[::1]:5000',
    '[v1.fe80::a+en1]',
    '127.0.0.1',
    'xn--bcher-kva.example',
    '',
  ])('takes Host: %s', async (host) => {
    const answer = await sendRaw(
      `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      false,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });

  it("refuses an upgrade request under the client's X-Request-Id", async () => {
    const answer = await sendRaw(
      'GET /api/balance/any HTTP/1.1\r\nHost: a b\r\nX-Request-Id: mine-123\r\n' +
        'Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/\r\nx-request-id: mine-123\r\n/i);
    expect(JSON.parse(body)).toEqual({ ...errorShape(400, '01'), request_id: 'mine-123' });
  });

  describe('on a connection that carries several requests', () => {
    let node: FakeNode;
    let app: string;

    beforeAll(async () => {
      node = await startFakeNode('slow', (req, res) => {
        req.resume();
        setTimeout(() => res.end(`answer to ${req.method} ${req.url}`), 200);
      });
      app = await createApp(t.server, await registerUser(t.server), [node]);
    });
    afterAll(() => node.close());

    it('answers the requests read before a malformed one first, then refuses it', async () => {
      const answer = await sendRaw(
        `POST /api/balance/${app}/order HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}` +
          `GET /api/balance/${app}/next HTTP/1.1\r\nHost: x\r\n\r\n` +
          'GET /x HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n',
        false,
      );
      const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d+) /g)].map((match) => match[1]);
      expect(statuses).toEqual(['200', '200', '400']);
      expect(answer).toContain('answer to POST /order');
      expect(answer.indexOf('answer to GET /next')).toBeGreaterThan(
        answer.indexOf('answer to POST /order'),
      );
      expect(answer).toMatch(/"error":"01"/);
    });

    it('answers a request that asked to close the connection, ignoring what follows it', async () => {
      const answer = await sendRaw(
        `GET /api/balance/${app}/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n` +
          'GET /health HTTP/1.1\r\nHost: x\r\n\r\n',
        false,
      );
      expect([...answer.matchAll(/HTTP\/1\.1 (\d+) /g)].map((match) => match[1])).toEqual(['200']);
      expect(answer).toMatch(/answer to GET \/last$/);
    });
  });

  it('answers an unknown route with 404 "02"', async () => {
    const res = await request(t.server).get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorShape(404, '02'));
  });

  it('keeps a sane X-Request-Id and replaces an insane one', async () => {
    const kept = await request(t.server).get('/health').set('X-Request-Id', 'abc-123');
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(t.server).get('/nope').set('X-Request-Id', 'bad id <script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.body.request_id).toBe(replaced.headers['x-request-id']);
  });

  it('reports health with the database reachable', async () => {
    const res = await request(t.server).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });
  });

  it('serves Swagger UI and an OpenAPI document listing the contract routes', async () => {
    await request(t.server).get('/docs').expect(200);
    const doc = await request(t.server).get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const operations = Object.entries(
      doc.body.paths as Record<string, Record<string, unknown>>,
    ).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/users',
        'DELETE /api/users',
        'POST /api/auth',
        'GET /api/apps',
        'POST /api/apps/{app}',
        'GET /api/apps/{app}',
        'PATCH /api/apps/{app}',
        'DELETE /api/apps/{app}',
        'POST /api/nodes/{app}',
        'DELETE /api/nodes/{app}',
        'GET /api/logs/{app}',
        'GET /api/apps/{app}/stats',
        'GET /api/audit',
        'GET /health',
        'GET /metrics',
        ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'].flatMap(
          (method) => [`${method} /api/balance/{app}`, `${method} /api/balance/{app}/{path}`],
        ),
      ]),
    );
    expect(doc.body.components.schemas.ErrorResponseDto).toBeDefined();
    expect(doc.body.components.securitySchemes.bearer).toBeDefined();
  });

  it('documents what validation enforces: 413 wherever a JSON body may come, integers as integers', async () => {
    const doc = await request(t.server).get('/docs-json').expect(200);
    const paths = doc.body.paths as Record<string, Record<string, { responses: object }>>;
    const withoutTooLarge = Object.entries(paths)
      .filter(([path]) => !path.startsWith('/api/balance'))
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
          .filter(([, operation]) => !('413' in operation.responses))
          .map(([method]) => `${method} ${path}`),
      );
    expect(withoutTooLarge).toEqual([]);

    const schemas = doc.body.components.schemas;
    const typeOf = (schema: string, field: string) => schemas[schema].properties[field].type;
    for (const [schema, field] of [
      ['NodeDto', 'port'],
      ['NodeDto', 'weight'],
      ['SettingsPatchDto', 'connect_timeout_ms'],
      ['SettingsPatchDto', 'timeout_ms'],
      ['SettingsPatchDto', 'retries'],
      ['RateLimitDto', 'limit'],
      ['RateLimitDto', 'window_ms'],
    ]) {
      expect(`${schema}.${field}: ${typeOf(schema, field)}`).toBe(`${schema}.${field}: integer`);
    }
    const limit = doc.body.paths['/api/audit'].get.parameters.find(
      (p: { name: string }) => p.name === 'limit',
    );
    expect(limit.schema.type).toBe('integer');
  });
});
