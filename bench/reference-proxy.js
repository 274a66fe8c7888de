'use strict';
// Bare undici streaming reverse proxy: the "what Node can do" reference.
//   node bench/reference-proxy.js <port> <upstream-port> [<upstream-port>...]
// One keep-alive undici.Pool per upstream node, round-robin, pool.stream()
// writing straight into the client response, hop-by-hop headers stripped.
/* global process, console, require */
const http = require('node:http'); // eslint-disable-line @typescript-eslint/no-require-imports
const { Pool } = require('undici'); // eslint-disable-line @typescript-eslint/no-require-imports

const [port, ...upstreams] = process.argv.slice(2).map(Number);
const pools = upstreams.map(
  (p) => new Pool(`http://127.0.0.1:${p}`, { connections: 64, keepAliveTimeout: 60_000 }),
);
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const strip = (headers) => {
  const out = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP.has(k.toLowerCase())) out[k] = v;
  return out;
};
let next = 0;

const server = http.createServer((req, res) => {
  const pool = pools[next++ % pools.length];
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  pool
    .stream(
      {
        path: req.url,
        method: req.method,
        headers: strip(req.headers),
        body: hasBody ? req : null,
      },
      ({ statusCode, headers }) => {
        res.writeHead(statusCode, strip(headers));
        return res;
      },
    )
    .catch((err) => {
      if (!res.headersSent)
        res
          .writeHead(502, { 'content-type': 'text/plain' })
          .end(`bad gateway: ${err.code || err.message}`);
      else res.destroy(err);
    });
});
server.keepAliveTimeout = 120_000;
server.listen(port, '127.0.0.1', () =>
  console.log(`reference proxy on ${port} -> ${upstreams.join(',')}`),
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
