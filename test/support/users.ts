import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Server } from 'node:http';

export interface TestUser {
  email: string;
  password: string;
  token: string;
  auth: { Authorization: string };
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${randomBytes(5).toString('hex')}@example.com`;
}

export async function registerUser(server: Server, email = uniqueEmail()): Promise<TestUser> {
  const password = 'pa55word!';
  await request(server).post('/api/users').send({ email, password }).expect(201);
  const login = await request(server).post('/api/auth').send({ email, password }).expect(200);
  const token = login.body.access_token as string;
  return { email, password, token, auth: { Authorization: `Bearer ${token}` } };
}
