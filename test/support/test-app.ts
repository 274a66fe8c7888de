import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mongoose';
import { createApp } from '../../src/app.setup';
import { JsonLogger } from '../../src/common/json-logger';
import { AppConfig, Env, loadConfig } from '../../src/config/app-config';

export interface TestApp {
  app: INestApplication;
  server: Server;
  url: string;
  config: AppConfig;
  mongodbUri: string;
  /** Shuts the app down as a signal would (once, however often it is called); the database stays. */
  stop(): Promise<void>;
  /** Stops the app, then drops its database and data folder. */
  close(): Promise<void>;
}

export function testDatabaseUri(): string {
  const base = process.env.MONGODB_URI;
  if (!base) throw new Error('MONGODB_URI is not set: run the tests through jest (global setup)');
  const url = new URL(base);
  url.pathname = `/slb_test_${randomBytes(6).toString('hex')}`;
  return url.toString();
}

export async function startTestApp(
  env: Env = {},
  mongodbUri = testDatabaseUri(),
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slb-test-app-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'error',
    ...env,
  });
  const app = await createApp(config, mongodbUri, new JsonLogger(config.logLevel));
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= app.close().finally(() => rmSync(dataDir, { recursive: true, force: true })));
  return {
    app,
    server,
    url: `http://127.0.0.1:${port}`,
    config,
    mongodbUri,
    stop,
    async close() {
      await stop();
      await dropDatabase(mongodbUri).catch(() => undefined);
    },
  };
}

async function dropDatabase(uri: string): Promise<void> {
  const connection = await createConnection(uri, { serverSelectionTimeoutMS: 2000 }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}
