import request from 'supertest';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { FakeNode } from './fake-node';
import type { TestUser } from './users';

export function uniqueAppName(prefix = 'app'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function createApp(
  server: Server,
  user: TestUser,
  nodes: FakeNode[],
  settings?: Record<string, unknown>,
  name = uniqueAppName(),
): Promise<string> {
  const [first, ...rest] = nodes;
  await request(server).post(`/api/apps/${name}`).set(user.auth).send(first.body()).expect(201);
  for (const node of rest) {
    await request(server).post(`/api/nodes/${name}`).set(user.auth).send(node.body()).expect(201);
  }
  if (settings) {
    await request(server).patch(`/api/apps/${name}`).set(user.auth).send(settings).expect(200);
  }
  return name;
}
