import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEmbeddedServer } from './embedded-server';

function listening(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('freePort', () => {
  it('picks a free port below the range the kernel hands out on its own', async () => {
    const ephemeralStart = 20_000;
    const ports = await Promise.all(Array.from({ length: 5 }, () => freePort(ephemeralStart)));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralStart);
      await expectFree(port);
    }
  });

  const kernelRangeStart = Number(
    readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
  );
  (kernelRangeStart > 10_000 ? it : it.skip)(
    "stays below this machine's own ephemeral range by default",
    async () => {
      expect(await freePort()).toBeLessThan(kernelRangeStart);
    },
  );

  it('takes a port the OS picks when the ephemeral range leaves no room below it', async () => {
    const port = await freePort(10_000);
    expect(port).toBeGreaterThanOrEqual(kernelRangeStart);
    await expectFree(port);
  });
});

async function expectFree(port: number): Promise<void> {
  const server = await listening(port);
  await new Promise((done) => server.close(done));
}

describe('startEmbeddedServer', () => {
  it('refuses a port another process listens on instead of taking that process for the database', async () => {
    const other = await listening(0);
    const dataDir = mkdtempSync(join(tmpdir(), 'slb-embedded-'));
    try {
      const port = (other.address() as { port: number }).port;
      await expect(
        startEmbeddedServer({
          dataDir,
          ferretdbBinary: join(dataDir, 'never-built'),
          databaseName: 'taken',
          say: () => undefined,
          port,
        }),
      ).rejects.toThrow(`port ${port} is taken by another process`);
    } finally {
      await new Promise((done) => other.close(done));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
