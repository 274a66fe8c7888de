// The gateway under test: its database (FerretDB unless MONGODB_URI is set),
// the production build, and its set-up through the public HTTP API.
/* global process, fetch, AbortSignal */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertAlive, processTree, start, tailOf, waitForHttp, waitForPort } from './procs.mjs';

/** Start a throw-away FerretDB (SQLite backend) in `dir`; returns { proc, uri }. */
export async function startFerretDB({ binary, dir, port, cpu }) {
  if (!existsSync(binary)) throw new Error(`FerretDB binary not found at ${binary}`);
  mkdirSync(dir, { recursive: true });
  const proc = start(
    'ferretdb',
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { cpu },
  );
  await waitForPort(port, proc);
  return { proc, uri: `mongodb://127.0.0.1:${port}/slb_bench` };
}

/**
 * Parse BENCH_GATEWAY_ENV ("LOG_ENABLED=false FOO=bar") into an object.
 * Whitespace-separated KEY=VALUE words; values cannot contain spaces.
 */
export function parseEnvAssignments(text = '') {
  const env = {};
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const m = word.match(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/);
    if (!m) throw new Error(`BENCH_GATEWAY_ENV: "${word}" is not a KEY=VALUE assignment`);
    env[m[1]] = m[2];
  }
  return env;
}

/** The arguments `npm run start:prod` gives node (the script must be `node <args>`). */
export function startProdArgs(root) {
  const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['start:prod'];
  const [command, ...args] = script.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`start:prod must be "node <args>", not "${script}"`);
  return args;
}

/**
 * Start the gateway as `npm run start:prod` does, pinned to `cpu`, and wait for GET /health 200. `launcher`,
 * when given, is the command line that node runs under (a profiler, say).
 */
export async function startGateway({
  root,
  port,
  mongoUri,
  extraEnv,
  cpu,
  timeoutMs = 60_000,
  launcher = [],
}) {
  const main = join(root, 'dist/src/main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: run \`npm run build\` (bench/run.sh does it)`);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(36).toString('base64url'), // 48 characters
    LOG_LEVEL: 'warn',
    MONGODB_URI: mongoUri,
    ...extraEnv,
    PORT: String(port), // the bench picks the port; not overridable
  };
  const args = startProdArgs(root);
  const [command, ...argv] = [...launcher, process.execPath, ...args];
  const proc = start('gateway', command, argv, { cpu, env, cwd: root });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`, proc, timeoutMs);
  } catch (err) {
    throw new Error(
      `the gateway did not come up (node ${args.join(' ')}, PORT=${port}): ${err.message}`,
    );
  }
  return { proc, port, statPids: () => processTree(proc.pid) };
}

async function api(base, method, path, body, token) {
  const res = await fetch(base + path, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/**
 * Register a user, log in, create app "bench" on node 1 and add node 2.
 * Returns the balanced base URL (append /1k or /100k).
 */
export async function setupGateway({ gateway, nodePorts, app = 'bench' }) {
  const base = `http://127.0.0.1:${gateway.port}`;
  const step = async (what, expect, call) => {
    let res;
    try {
      res = await call();
    } catch (err) {
      assertAlive(gateway.proc);
      throw new Error(`gateway set-up, ${what}: ${err.message}`);
    }
    if (!expect(res.status)) {
      throw new Error(
        `gateway set-up, ${what}: HTTP ${res.status} ${res.text.slice(0, 500)}\n` +
          `  last gateway output:\n${tailOf(gateway.proc, 15)}`,
      );
    }
    return res;
  };
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const password = `Bb1!${randomBytes(8).toString('hex')}`; // 20 chars
  const node = (port) => ({ host: '127.0.0.1', port, statuspath: '/health' });

  await step(
    'POST /api/users',
    (s) => s === 201,
    () => api(base, 'POST', '/api/users', { email, password }),
  );
  const auth = await step(
    'POST /api/auth',
    (s) => s >= 200 && s < 300,
    () => api(base, 'POST', '/api/auth', { email, password }),
  );
  const token = auth.json?.access_token;
  if (!token)
    throw new Error(
      `gateway set-up, POST /api/auth: no access_token in ${auth.text.slice(0, 300)}`,
    );
  await step(
    `POST /api/apps/${app}`,
    (s) => s === 201,
    () => api(base, 'POST', `/api/apps/${app}`, node(nodePorts[0]), token),
  );
  for (const port of nodePorts.slice(1)) {
    await step(
      `POST /api/nodes/${app}`,
      (s) => s === 201,
      () => api(base, 'POST', `/api/nodes/${app}`, node(port), token),
    );
  }
  return `${base}/api/balance/${app}`;
}
