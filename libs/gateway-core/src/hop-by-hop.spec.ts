import {
  downstreamResponseHeaders,
  downstreamTrailerFields,
  switchingProtocolsHead,
  upstreamRequestHeaders,
} from './hop-by-hop';

const FORWARDED = {
  peerIp: '203.0.113.9',
  fromTrustedProxy: true,
  proto: 'https',
  host: 'api.example.com',
  requestId: 'req-1',
};
const GATEWAY_FIELDS = [
  'x-forwarded-for',
  '203.0.113.9',
  'x-forwarded-proto',
  'https',
  'x-forwarded-host',
  'api.example.com',
  'x-request-id',
  'req-1',
];

function pairs(flat: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) result.push([flat[i], flat[i + 1]]);
  return result;
}

function namesOf(flat: readonly string[]): string[] {
  return pairs(flat).map(([name]) => name.toLowerCase());
}

describe('upstreamRequestHeaders', () => {
  it('keeps end-to-end fields in order with their original spelling', () => {
    const raw = ['Accept', '*/*', 'X-Custom', 'A', 'Cookie', 'a=1', 'x-custom', 'B'];
    expect(upstreamRequestHeaders(raw, FORWARDED)).toEqual([...raw, ...GATEWAY_FIELDS]);
  });

  it.each([
    'Connection',
    'Keep-Alive',
    'Proxy-Connection',
    'Proxy-Authenticate',
    'Proxy-Authorization',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
  ])('drops %s in any case', (name) => {
    for (const spelling of [name, name.toLowerCase(), name.toUpperCase()]) {
      const headers = upstreamRequestHeaders([spelling, 'x', 'Accept', '*/*'], FORWARDED);
      expect(headers).toEqual(['Accept', '*/*', ...GATEWAY_FIELDS]);
    }
  });

  it('keeps TE: trailers, even when Connection lists TE, and drops any other TE', () => {
    const kept = upstreamRequestHeaders(['TE', ' Trailers', 'Connection', 'TE'], FORWARDED);
    expect(pairs(kept)).toContainEqual(['TE', ' Trailers']);
    expect(namesOf(upstreamRequestHeaders(['te', 'gzip'], FORWARDED))).not.toContain('te');
    expect(namesOf(upstreamRequestHeaders(['te', 'trailers, gzip'], FORWARDED))).not.toContain(
      'te',
    );
  });

  it('drops fields named by Connection: close, X-Foo', () => {
    const raw = ['Connection', 'close, X-Foo', 'x-foo', '1', 'X-Foobar', '2', 'Accept', '*/*'];
    expect(upstreamRequestHeaders(raw, FORWARDED)).toEqual([
      'X-Foobar',
      '2',
      'Accept',
      '*/*',
      ...GATEWAY_FIELDS,
    ]);
  });

  it('honours every Connection header, wherever it appears', () => {
    const raw = ['X-A', '1', 'X-B', '2', 'Connection', 'x-a', 'connection', 'X-B', 'X-C', '3'];
    expect(upstreamRequestHeaders(raw, FORWARDED)).toEqual(['X-C', '3', ...GATEWAY_FIELDS]);
  });

  it('drops Host and carries the original in X-Forwarded-Host', () => {
    const headers = upstreamRequestHeaders(['Host', 'api.example.com'], FORWARDED);
    expect(headers).toEqual(GATEWAY_FIELDS);
  });

  it('falls back to the raw Host for X-Forwarded-Host, and omits it when there is none', () => {
    const withRawHost = upstreamRequestHeaders(['Host', 'raw.example.com:8443'], {
      ...FORWARDED,
      host: undefined,
    });
    expect(pairs(withRawHost)).toContainEqual(['x-forwarded-host', 'raw.example.com:8443']);
    const withoutHost = upstreamRequestHeaders([], { ...FORWARDED, host: undefined });
    expect(namesOf(withoutHost)).not.toContain('x-forwarded-host');
  });

  it('appends the peer address to an existing X-Forwarded-For chain', () => {
    const headers = upstreamRequestHeaders(['X-Forwarded-For', '198.51.100.1'], FORWARDED);
    expect(pairs(headers)).toContainEqual(['x-forwarded-for', '198.51.100.1, 203.0.113.9']);
  });

  it('joins repeated X-Forwarded-For fields in order before appending', () => {
    const raw = ['x-forwarded-for', '198.51.100.1', 'X-Forwarded-For', '198.51.100.2'];
    const headers = upstreamRequestHeaders(raw, FORWARDED);
    expect(pairs(headers).filter(([name]) => name === 'x-forwarded-for')).toEqual([
      ['x-forwarded-for', '198.51.100.1, 198.51.100.2, 203.0.113.9'],
    ]);
    expect(namesOf(headers).filter((name) => name === 'x-forwarded-for')).toHaveLength(1);
  });

  it('drops the X-Forwarded-For chain and Forwarded of a peer that is not a trusted proxy', () => {
    const raw = [
      'X-Forwarded-For',
      '6.6.6.6',
      'x-forwarded-for',
      '7.7.7.7',
      'Forwarded',
      'for=6.6.6.6;proto=https',
    ];
    const headers = upstreamRequestHeaders(raw, { ...FORWARDED, fromTrustedProxy: false });
    expect(pairs(headers).filter(([name]) => /forwarded-for|^forwarded$/i.test(name))).toEqual([
      ['x-forwarded-for', '203.0.113.9'],
    ]);
  });

  it('passes on the Forwarded field of a trusted proxy', () => {
    const headers = upstreamRequestHeaders(['Forwarded', 'for=198.51.100.1'], FORWARDED);
    expect(pairs(headers)).toContainEqual(['Forwarded', 'for=198.51.100.1']);
  });

  it('starts a fresh chain when the client lists X-Forwarded-For in Connection', () => {
    const raw = ['X-Forwarded-For', '10.9.9.9', 'Connection', 'X-Forwarded-For'];
    const headers = upstreamRequestHeaders(raw, FORWARDED);
    expect(pairs(headers)).toContainEqual(['x-forwarded-for', '203.0.113.9']);
  });

  it('replaces client-supplied X-Forwarded-Proto, X-Forwarded-Host and X-Request-Id', () => {
    const raw = [
      'X-Forwarded-Proto',
      'gopher',
      'X-Forwarded-Host',
      'evil.example',
      'X-Request-Id',
      'spoofed',
      'x-request-id',
      'spoofed-again',
    ];
    expect(upstreamRequestHeaders(raw, FORWARDED)).toEqual(GATEWAY_FIELDS);
  });

  it('drops Expect, which Node has already answered', () => {
    const headers = upstreamRequestHeaders(['Expect', '100-continue', 'Accept', '*/*'], FORWARDED);
    expect(headers).toEqual(['Accept', '*/*', ...GATEWAY_FIELDS]);
  });

  it('does not write empty forwarding values', () => {
    const headers = upstreamRequestHeaders([], { ...FORWARDED, peerIp: '', proto: '' });
    expect(headers).toEqual(['x-forwarded-host', 'api.example.com', 'x-request-id', 'req-1']);
  });

  it('does not leak Connection options from one call into the next', () => {
    upstreamRequestHeaders(['Connection', 'X-Foo'], FORWARDED);
    expect(namesOf(upstreamRequestHeaders(['X-Foo', '1'], FORWARDED))).toContain('x-foo');
  });
});

function buffers(...fields: string[]): Buffer[] {
  return fields.map((field) => Buffer.from(field, 'latin1'));
}

describe('downstreamResponseHeaders', () => {
  it('decodes Buffers and keeps end-to-end fields in order, then adds our X-Request-Id', () => {
    const raw = buffers('Content-Type', 'text/plain', 'Content-Length', '2', 'ETag', '"x"');
    expect(downstreamResponseHeaders(raw, 'req-1')).toEqual([
      'Content-Type',
      'text/plain',
      'Content-Length',
      '2',
      'ETag',
      '"x"',
      'x-request-id',
      'req-1',
    ]);
  });

  it('accepts strings as well as Buffers', () => {
    const raw = ['X-A', Buffer.from('1'), Buffer.from('X-B'), '2'];
    expect(downstreamResponseHeaders(raw, 'r')).toEqual([
      'X-A',
      '1',
      'X-B',
      '2',
      'x-request-id',
      'r',
    ]);
  });

  it('keeps repeated Set-Cookie fields in order', () => {
    const raw = buffers('Set-Cookie', 'a=1; Path=/', 'X-Other', 'x', 'set-cookie', 'b=2; HttpOnly');
    expect(pairs(downstreamResponseHeaders(raw, 'r'))).toEqual([
      ['Set-Cookie', 'a=1; Path=/'],
      ['X-Other', 'x'],
      ['set-cookie', 'b=2; HttpOnly'],
      ['x-request-id', 'r'],
    ]);
  });

  it.each([
    'Connection',
    'Keep-Alive',
    'Proxy-Connection',
    'Proxy-Authenticate',
    'Proxy-Authorization',
    'TE',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
  ])('drops %s in any case', (name) => {
    for (const spelling of [name, name.toLowerCase(), name.toUpperCase()]) {
      const raw = buffers(spelling, 'x', 'Vary', 'Accept');
      expect(downstreamResponseHeaders(raw, 'r')).toEqual(['Vary', 'Accept', 'x-request-id', 'r']);
    }
  });

  it('drops fields named by Connection: close, X-Foo', () => {
    const raw = buffers('X-Foo', '1', 'Connection', 'close, X-Foo', 'X-Bar', '2');
    expect(downstreamResponseHeaders(raw, 'r')).toEqual(['X-Bar', '2', 'x-request-id', 'r']);
  });

  it("replaces the upstream's X-Request-Id with ours", () => {
    const raw = buffers('X-Request-Id', 'upstream-id', 'x-request-id', 'another');
    expect(downstreamResponseHeaders(raw, 'ours')).toEqual(['x-request-id', 'ours']);
  });

  it('round-trips non-ASCII bytes through latin1', () => {
    const value = Buffer.from([0x61, 0xc3, 0xa9]);
    const [, decoded] = downstreamResponseHeaders([Buffer.from('X-Name'), value], 'r');
    expect(Buffer.from(decoded, 'latin1')).toEqual(value);
  });

  it('does not leak Connection options from one call into the next', () => {
    downstreamResponseHeaders(buffers('Connection', 'X-Foo'), 'r');
    expect(downstreamResponseHeaders(buffers('X-Foo', '1'), 'r')).toEqual([
      'X-Foo',
      '1',
      'x-request-id',
      'r',
    ]);
  });
});

describe('downstreamTrailerFields', () => {
  it('keeps end-to-end trailer fields in order, and drops hop-by-hop ones, Trailer and X-Request-Id', () => {
    const raw = buffers(
      'X-Checksum',
      'abc',
      'Connection',
      'close',
      'Trailer',
      'X-Checksum',
      'Transfer-Encoding',
      'chunked',
      'x-request-id',
      'theirs',
      'Server-Timing',
      'db;dur=53',
    );
    expect(downstreamTrailerFields(raw)).toEqual([
      ['X-Checksum', 'abc'],
      ['Server-Timing', 'db;dur=53'],
    ]);
  });
});

describe('switchingProtocolsHead', () => {
  it("keeps the node's end-to-end fields and Upgrade value, and sets Connection and our request id", () => {
    const raw = [
      'Upgrade',
      'WebSocket',
      'Connection',
      'Upgrade, X-Hop',
      'X-Hop',
      'drop me',
      'Sec-WebSocket-Accept',
      's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
      'Keep-Alive',
      'timeout=5',
      'X-Request-Id',
      'node-made-this-up',
    ].map((field) => Buffer.from(field, 'latin1'));
    expect(switchingProtocolsHead(raw, 'websocket', 'req-1')).toBe(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
        'x-request-id: req-1\r\n' +
        'connection: upgrade\r\n' +
        'upgrade: WebSocket\r\n\r\n',
    );
  });

  it('falls back to the requested protocol when the node names none', () => {
    expect(switchingProtocolsHead([], 'websocket', 'req-2')).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nx-request-id: req-2\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n',
    );
  });
});
