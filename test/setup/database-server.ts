import { rmSync } from 'node:fs';
import type { EmbeddedServer } from '../../src/database/embedded-server';

interface Started {
  server: EmbeddedServer;
  dataDir: string;
}

const holder = globalThis as typeof globalThis & { __slbTestDatabase?: Started };

export const testDatabaseServer = {
  set(server: EmbeddedServer, dataDir: string): void {
    holder.__slbTestDatabase = { server, dataDir };
  },
  async stop(): Promise<void> {
    const started = holder.__slbTestDatabase;
    if (!started) return;
    await started.server.stop();
    rmSync(started.dataDir, { recursive: true, force: true });
    holder.__slbTestDatabase = undefined;
  },
};
