import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultFerretdbBinary } from '../../src/config/app-config';
import { startEmbeddedServer } from '../../src/database/embedded-server';
import { testDatabaseServer } from './database-server';
import { ensureChromium } from './ensure-chromium';

export default async function globalSetup(): Promise<void> {
  ensureChromium((message) => process.stdout.write(`\n[browser] ${message}\n`));
  if (process.env.MONGODB_URI) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'slb-test-db-'));
  const server = await startEmbeddedServer({
    dataDir,
    ferretdbBinary: process.env.FERRETDB_BIN || defaultFerretdbBinary(process.env),
    databaseName: 'slb_test',
    say: (message) => process.stdout.write(`\n[test database] ${message}\n`),
  });
  testDatabaseServer.set(server, dataDir);
  process.env.MONGODB_URI = server.uri;
}
