import { testDatabaseServer } from './database-server';

export default async function globalTeardown(): Promise<void> {
  await testDatabaseServer.stop();
}
