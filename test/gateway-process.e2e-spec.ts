import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { get } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultFerretdbBinary } from '../src/config/app-config';
import { ensureFerretdb } from '../src/database/embedded-server';
import { makeCertificate, servedCertificate } from './support/certificates';

const ROOT = resolve(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function servedSubject(port: number): Promise<string> {
  return (await servedCertificate(port))?.subject ?? '';
}

function healthStatus(port: number): Promise<number> {
  return new Promise((done) => {
    get(
      { host: '127.0.0.1', port, path: '/health', rejectUnauthorized: false, timeout: 2000 },
      (res) => {
        res.resume();
        done(res.statusCode as number);
      },
    )
      .on('timeout', function (this: ClientRequest) {
        this.destroy();
      })
      .on('error', () => done(0));
  });
}

async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    return;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The gateway as `npm start` runs it, in a process of its own, on its embedded default database: real
 * signals, and what main.ts does with them.
 */
describe('The gateway process (src/main.ts) on its embedded database', () => {
  let dir: string;
  let port: number;
  let gateway: ChildProcess | undefined;
  let output = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slb-process-'));
    const first = makeCertificate(dir, 'first');
    copyFileSync(first.cert, join(dir, 'cert.pem'));
    copyFileSync(first.key, join(dir, 'key.pem'));
    port = await freePort();
    // The test database may be a MongoDB (MONGODB_URI), so the embedded default's binary is made sure of here.
    const ferretdbBinary = ensureFerretdb({
      ferretdbBinary: process.env.FERRETDB_BIN || defaultFerretdbBinary(process.env),
      say: (message) => process.stdout.write(`\n[gateway process] ${message}\n`),
    });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'info',
      TLS_CERT_FILE: join(dir, 'cert.pem'),
      TLS_KEY_FILE: join(dir, 'key.pem'),
      TLS_RELOAD_INTERVAL_MS: '0',
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      NODE_PATH: join(ROOT, 'node_modules'),
      FERRETDB_BIN: ferretdbBinary,
    };
    delete env.MONGODB_URI;
    delete env.JWT_SECRET;
    // cwd is the temp folder, so a developer's .env in the repository does not change the test.
    // In a process group of its own, with its database: afterAll can stop both whatever happened.
    const started = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src/main.ts')],
      { cwd: dir, env, detached: true },
    );
    gateway = started;
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((done) => started.once('exit', (code) => done(code)));
    await eventually(async () => {
      if (started.exitCode !== null) throw new Error(`the gateway exited:\n${output}`);
      return (await healthStatus(port)) === 200;
    }, 90_000);
  }, 600_000);

  afterAll(() => {
    if (gateway?.pid !== undefined) killGroup(gateway.pid);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves a renewed certificate after SIGHUP', async () => {
    expect(await servedSubject(port)).toBe('CN=first');
    const second = makeCertificate(dir, 'second');
    copyFileSync(second.cert, join(dir, 'cert.pem'));
    copyFileSync(second.key, join(dir, 'key.pem'));
    gateway?.kill('SIGHUP');
    await eventually(async () => (await servedSubject(port)) === 'CN=second', 5000);
    expect(gateway?.exitCode).toBeNull();
  });

  it('on SIGTERM stops its embedded database and exits with 0', async () => {
    const started = /Started embedded \w+ \(pid (\d+)\)/.exec(output);
    expect(started).not.toBeNull();
    const databasePid = Number(started?.[1]);
    expect(isRunning(databasePid)).toBe(true);
    gateway?.kill('SIGTERM');
    expect(await exited).toBe(0);
    await eventually(() => !isRunning(databasePid), 5000);
    expect(output).toContain('SIGTERM received, shutting down');
  }, 30_000);
});
