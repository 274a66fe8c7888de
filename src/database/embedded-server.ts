import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createConnection, createServer } from 'node:net';
import { dirname, join } from 'node:path';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`;

export interface EmbeddedServer {
  readonly kind: 'mongod' | 'ferretdb';
  readonly uri: string;
  readonly dataDir: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
  dataDir: string;
  ferretdbBinary: string;
  databaseName: string;
  say: (message: string) => void;
  /** Listen on this port instead of a free one (to restart a server where its clients expect it). */
  port?: number;
}

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const port = options.port ?? (await freePort());
  // Readiness is "the port answers": a port someone else holds would pass for a server that never started.
  if (await canConnect(port)) {
    throw new Error(
      `Could not start the database server: port ${port} is taken by another process`,
    );
  }
  const mongod = findOnPath('mongod');
  const kind = mongod ? 'mongod' : 'ferretdb';
  const dataDir = join(options.dataDir, kind);
  mkdirSync(dataDir, { recursive: true });
  const child = mongod
    ? spawn(mongod, ['--dbpath', dataDir, '--bind_ip', '127.0.0.1', '--port', String(port)], {
        stdio: 'ignore',
      })
    : spawn(ensureFerretdb(options), ferretdbArgs(dataDir, port), { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`Could not start the database server: ${error.message}`)),
    ),
  );
  try {
    await Promise.race([waitForPort(port, child, 30_000), spawnFailed]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  options.say(
    `Started embedded ${kind} (pid ${child.pid}) on 127.0.0.1:${port}, data in ${dataDir}`,
  );
  return {
    kind,
    uri: `mongodb://127.0.0.1:${port}/${options.databaseName}`,
    dataDir,
    pid: child.pid as number,
    stop: () => stopChild(child, exited),
  };
}

export function ensureFerretdb(
  options: Pick<EmbeddedServerOptions, 'ferretdbBinary' | 'say'>,
): string {
  const binary = options.ferretdbBinary;
  if (existsSync(binary)) return binary;
  options.say(
    `FerretDB not found at ${binary}: building FerretDB ${FERRETDB_VERSION} with Go (first time only, takes a few minutes)...`,
  );
  const started = Date.now();
  const source = mkdtempSync(join(tmpdir(), 'ferretdb-src-'));
  try {
    cpSync(downloadModule(options.say), source, { recursive: true });
    chmodTreeWritable(source);
    writeFileSync(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    mkdirSync(dirname(binary), { recursive: true });
    run('go', ['build', '-buildvcs=false', '-o', binary, './cmd/ferretdb'], source, {});
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
  options.say(`Built FerretDB in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
  return binary;
}

function downloadModule(say: (message: string) => void): string {
  const download = (env: Record<string, string>) =>
    spawnSync('go', ['mod', 'download', '-json', FERRETDB_MODULE], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
  let result = download({});
  if (result.status !== 0) {
    say('go mod download failed; retrying once without the Go checksum database (GOSUMDB=off)');
    result = download({ GOSUMDB: 'off' });
  }
  if (result.error || result.status !== 0) {
    throw new Error(
      `Could not download FerretDB: ${result.error?.message ?? result.stdout + result.stderr}. Install Go or set MONGODB_URI`,
    );
  }
  return (JSON.parse(result.stdout) as { Dir: string }).Dir;
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>): void {
  const result = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed: ${result.error?.message ?? `exit ${result.status}`}`,
    );
  }
}

function chmodTreeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chmodTreeWritable(path);
    else chmodSync(path, 0o644);
  }
}

function ferretdbArgs(dataDir: string, port: number): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    `--state-dir=${dataDir}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=error',
  ];
}

function findOnPath(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = result.stdout.trim();
  return result.status === 0 && path ? path : undefined;
}

/** The lowest port freePort() picks: above the common services' ports. */
const LOWEST_PICKED_PORT = 10_000;
const PICK_ATTEMPTS = 20;

/**
 * A port free now, below the kernel's ephemeral range (which starts at `ephemeralStart`) when it can: ports the
 * OS hands out (listeners on port 0, the local end of outgoing connections) come from that range, so none of
 * them can take the port while its server is down and restarting on it. Where the range starts too low to
 * leave room, a port the OS picks.
 */
export async function freePort(ephemeralStart = ephemeralRangeStart()): Promise<number> {
  for (let attempt = 0; attempt < PICK_ATTEMPTS && ephemeralStart > LOWEST_PICKED_PORT; attempt++) {
    const port =
      LOWEST_PICKED_PORT + Math.floor(Math.random() * (ephemeralStart - LOWEST_PICKED_PORT));
    const bound = await listenOn(port).catch(() => undefined);
    if (bound !== undefined) return bound;
  }
  return listenOn(0);
}

function ephemeralRangeStart(): number {
  try {
    const [start] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    return Number(start) || 0;
  } catch {
    return 0;
  }
}

/** Listens on 127.0.0.1:port (0: any), closes again and gives the port that was bound. */
function listenOn(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`Database server exited with code ${child.exitCode}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Database server did not listen on port ${port} within ${timeoutMs} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
