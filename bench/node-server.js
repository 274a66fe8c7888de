'use strict';
// Fake backend node for the benchmark: one process, keep-alive, fixed bodies.
//   node bench/node-server.js <port> [name]
//   GET /1k -> 1 KB, GET /100k -> 100 KB (pre-allocated), GET /health -> 200,
//   GET /stats -> {"name","requests"} (requests served, for the split check).
/* global process, console, require, Buffer */
const http = require('node:http'); // eslint-disable-line @typescript-eslint/no-require-imports

const port = Number(process.argv[2]);
const name = process.argv[3] || `node-${port}`;
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node node-server.js <port> [name]');
  process.exit(2);
}

const bodies = {
  '/1k': Buffer.alloc(1024, 'a'),
  '/100k': Buffer.alloc(100 * 1024, 'b'),
};
let requests = 0;

const server = http.createServer((req, res) => {
  // Strip a query string, and tolerate a proxy that forwards a path prefix.
  const path = req.url.split('?')[0];
  const key = Object.keys(bodies).find((k) => path === k || path.endsWith(k));
  if (key) {
    requests++;
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': bodies[key].length,
    });
    res.end(bodies[key]);
  } else if (path.endsWith('/health')) {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('ok');
  } else if (path === '/stats') {
    const body = JSON.stringify({ name, requests });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  } else {
    res.writeHead(404, { 'content-length': 0 });
    res.end();
  }
  // Drain any request body so the connection stays reusable.
  req.resume();
});

server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;
server.listen(port, '127.0.0.1', () => console.log(`${name} listening on ${port}`));

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
