import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse, node: FakeNode) => void;

export interface FakeNode {
  readonly name: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  hits: number;
  healthy: boolean;
  handler: NodeHandler;
  readonly server: Server;
  body(): { host: string; port: number; statuspath: string };
  close(): Promise<void>;
}

export const echo: NodeHandler = (req, res, node) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.stringify({
      node: node.name,
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    });
    res.writeHead(200, { 'content-type': 'application/json', 'x-node': node.name });
    res.end(body);
  });
};

export async function startFakeNode(name: string, handler: NodeHandler = echo): Promise<FakeNode> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (req.url === '/health') {
      req.resume();
      res.writeHead(node.healthy ? 200 : 503).end(node.healthy ? 'ok' : 'down');
      return;
    }
    node.hits++;
    node.handler(req, res, node);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const node: FakeNode = {
    name,
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    hits: 0,
    healthy: true,
    handler,
    server,
    body: () => ({ host: '127.0.0.1', port: node.port, statuspath: '/health' }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return node;
}

export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
