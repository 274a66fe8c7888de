// The things wrk talks to: the two backend nodes and each target in front of
// them (direct, nginx, reference, reference-dblog, gateway, gateway-nolog, gateway-logsink),
// plus a pre-flight check.
/* global process, fetch, AbortSignal, URL */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, ROOT, SIZES, config, log } from './config.mjs';
import { setupGateway, startFerretDB, startGateway, startProdArgs } from './gateway.mjs';
import { startNginx } from './nginx.mjs';
import {
  assertAlive,
  describeExit,
  freePort,
  registerTempDir,
  runningProcs,
  sleep,
  start,
  stop,
  tailOf,
  waitForHttp,
  waitForPort,
} from './procs.mjs';

export async function startNodes() {
  const nodes = [];
  for (const name of ['node1', 'node2']) {
    const port = await freePort();
    const script = join(BENCH, 'node-server.js');
    const proc = start(name, process.execPath, [script, String(port), name], {
      cpu: config.loadCpu,
    });
    nodes.push({ name, port, proc });
  }
  for (const n of nodes) await waitForHttp(`http://127.0.0.1:${n.port}/health`, n.proc);
  return nodes;
}

export async function nodeRequestCounts(nodes) {
  return Promise.all(
    nodes.map(async (n) => {
      try {
        const res = await fetch(`http://127.0.0.1:${n.port}/stats`, {
          signal: AbortSignal.timeout(5000),
        });
        return (await res.json()).requests;
      } catch (err) {
        assertAlive(n.proc);
        throw new Error(`${n.name}: GET /stats failed: ${err.cause?.code || err.message}`);
      }
    }),
  );
}

/**
 * Each returns { baseUrl, proc, statPids(), sidecar?, note?, rowLoad? }; rowLoad(), when given, starts
 * extra load for one row and returns an async function that stops it. `reference`, `gateway` and
 * `gateway-nolog` take `launcher` (the command line node runs under, a profiler say), `timeoutMs` (to come
 * up) and, the two gateways, `extraEnv` (under BENCH_GATEWAY_ENV); the other targets take no options.
 */
const starters = {
  async direct(nodes) {
    const [n] = nodes;
    return {
      baseUrl: `http://127.0.0.1:${n.port}`,
      proc: n.proc,
      statPids: () => [n.proc.pid],
      note: 'direct: wrk → node1 with no proxy; its CPU and RSS columns are the backend node’s own.',
    };
  },
  async nginx(nodes, tmp) {
    const port = await freePort();
    const t = await startNginx({
      dir: join(tmp, 'nginx'),
      port,
      nodePorts: nodes.map((n) => n.port),
      cpu: config.proxyCpu,
    });
    return { ...t, baseUrl: `http://127.0.0.1:${port}` };
  },
  async reference(nodes, tmp, { launcher = [], timeoutMs } = {}) {
    const port = await freePort();
    const [command, ...args] = [
      ...launcher,
      process.execPath,
      join(BENCH, 'reference-proxy.js'),
      String(port),
      ...nodes.map((n) => String(n.port)),
    ];
    const proc = start('reference', command, args, { cpu: config.proxyCpu, cwd: ROOT });
    await waitForHttp(`http://127.0.0.1:${port}/health`, proc, timeoutMs);
    return { proc, baseUrl: `http://127.0.0.1:${port}`, statPids: () => [proc.pid] };
  },
  async 'reference-dblog'(nodes) {
    const t = await starters.reference(nodes);
    const { uri, sidecar, where } = await startDatabase('reference-dblog');
    return {
      ...t,
      sidecar,
      rowLoad: () => startLogLoad(uri, nodes),
      note: `reference-dblog: the reference proxy, while bench/log-load.js (on CPU ${config.loadCpu}) gives ${where} the request-log writes the gateway would make for its traffic (one batch per LOG_BATCH_SIZE requests the nodes count, and rollups every second): the control for what the database's work costs the machine, without the gateway.`,
    };
  },
  gateway: (nodes, tmp, options) => startGatewayTarget('gateway', nodes, {}, options),
  'gateway-nolog': (nodes, tmp, options) =>
    startGatewayTarget('gateway-nolog', nodes, { LOG_ENABLED: 'false' }, options),
  async 'gateway-logsink'(nodes) {
    const t = await startGatewayTarget('gateway-logsink', nodes, {}, { logSink: true });
    return {
      ...t,
      note: `${t.note} Its database connection goes through bench/log-sink.js (on CPU ${config.loadCpu}), which acknowledges request-log inserts without storing them: the gateway does all of its logging work, the database none of the storing. The control for what logging costs the gateway itself, where the database runs on another machine.`,
    };
  },
};

/**
 * Start bench/log-sink.js in front of the database of `mongoUri`; returns the URI that goes through it. The
 * relay speaks plain TCP to one host: a `mongodb://` URI without TLS.
 */
async function startLogSink(mongoUri) {
  let url;
  try {
    url = new URL(mongoUri);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'mongodb:' || /[?&](tls|ssl)=true/i.test(url.search)) {
    throw new Error(
      'gateway-logsink relays to one database host without TLS: give MONGODB_URI as mongodb://host:port/… or leave it unset',
    );
  }
  const port = await freePort();
  const proc = start(
    'log-sink',
    process.execPath,
    [join(BENCH, 'log-sink.js'), String(port), url.hostname, url.port || '27017'],
    { cpu: config.loadCpu, cwd: ROOT },
  );
  await waitForPort(port, proc);
  url.host = `127.0.0.1:${port}`;
  return url.toString();
}

/**
 * The database of a target: MONGODB_URI, or a throw-away FerretDB of its own whose CPU the rows report, its
 * files in BENCH_DB_DIR.
 */
async function startDatabase(name) {
  if (config.mongoUri) return { uri: config.mongoUri, where: 'the database of MONGODB_URI' };
  const dir = mkdtempSync(join(config.dbDir, `slb-bench-${name}-`));
  registerTempDir(dir);
  const ferret = await startFerretDB({
    binary: config.ferretdb,
    dir,
    port: await freePort(),
    cpu: config.dbCpu,
  });
  log(`FerretDB on ${ferret.uri} (pid ${ferret.proc.pid})`);
  return {
    uri: ferret.uri,
    sidecar: { name: 'FerretDB', statPids: () => [ferret.proc.pid] },
    where: `a FerretDB (SQLite, files in ${config.dbDir}) pinned to CPU ${config.dbCpu}`,
  };
}

/** Where log-load.js writes: not the gateways' database, when they share MONGODB_URI. */
const LOG_LOAD_DATABASE = 'slb_bench_log_load';

/** Start bench/log-load.js for one row; resolves, once it is ready, to the function that stops it. */
async function startLogLoad(mongoUri, nodes) {
  const proc = start(
    'log-load',
    process.execPath,
    [join(BENCH, 'log-load.js'), mongoUri, LOG_LOAD_DATABASE, ...nodes.map((n) => String(n.port))],
    // LOG_BATCH_SIZE and LOG_RETENTION_DAYS as the gateway rows get them from BENCH_GATEWAY_ENV
    { cpu: config.loadCpu, cwd: ROOT, env: { ...process.env, ...config.gatewayExtraEnv } },
  );
  await new Promise((resolve, reject) => {
    proc.child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('ready')) resolve();
    });
    proc.done.then(() => reject(new Error(`log-load ${describeExit(proc)}:\n${tailOf(proc)}`)));
  });
  return async () => {
    assertAlive(proc);
    await stop(proc);
  };
}

async function startGatewayTarget(
  name,
  nodes,
  targetEnv,
  { logSink = false, launcher, timeoutMs, extraEnv: optionEnv = {} } = {},
) {
  const database = await startDatabase(name);
  let mongoUri = database.uri;
  if (logSink) mongoUri = await startLogSink(mongoUri);
  const extraEnv = { ...targetEnv, ...optionEnv, ...config.gatewayExtraEnv };
  const gw = await startGateway({
    root: ROOT,
    port: await freePort(),
    mongoUri,
    extraEnv,
    cpu: config.proxyCpu,
    timeoutMs,
    launcher,
  });
  const balanced = await setupGateway({ gateway: gw, nodePorts: nodes.map((n) => n.port) });
  const assignments = Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`);
  const extra = assignments.length ? ` with ${assignments.join(' ')}` : '';
  return {
    ...gw,
    baseUrl: balanced,
    metricsUrl: `http://127.0.0.1:${gw.port}/metrics`,
    sidecar: database.sidecar,
    note: `${name}: node ${startProdArgs(ROOT).join(' ')}${extra}; ${database.where}.`,
  };
}

async function getBody(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, length: (await res.arrayBuffer()).byteLength };
}

/**
 * Before loading a target: each size answers 200 with the right body length
 * (retried for a while: the gateway may need a moment to pick up new nodes),
 * and a proxy spreads requests over both nodes.
 */
export async function sanityCheck(target, nodes, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (const size of config.sizes) {
    const url = `${target.baseUrl}/${size}`;
    for (;;) {
      let got;
      try {
        got = await getBody(url);
        if (got.status === 200 && got.length === SIZES[size]) break;
        got = `HTTP ${got.status} with ${got.length} bytes`;
      } catch (err) {
        assertAlive(target.proc);
        got = err.cause?.code || err.message;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${target.name}: GET ${url} gave ${got}, expected HTTP 200 with ${SIZES[size]} bytes`,
        );
      }
      await sleep(250);
    }
  }
  if (target.name === 'direct') return;
  const before = await nodeRequestCounts(nodes);
  for (let i = 0; Date.now() < deadline; i++) {
    await getBody(`${target.baseUrl}/1k`);
    const after = await nodeRequestCounts(nodes);
    if (after.every((a, j) => a > before[j])) return;
    if (i >= 10) await sleep(250);
  }
  log(
    `WARNING: ${target.name} did not send requests to every node within ${timeoutMs / 1000}s (see the node split column)`,
  );
}

/** Start target `name` in front of `nodes`; `tmp` is the run's temp dir; `options` as the starters take. */
export async function startTarget(name, nodes, tmp, options) {
  const before = new Set(runningProcs());
  const target = { name, ...(await starters[name](nodes, tmp, options)) };
  return { ...target, procs: runningProcs().filter((p) => !before.has(p)) };
}

/** Stop the processes startTarget() started for the target (the proxy and its database, say). */
export async function stopTarget(target) {
  await Promise.all(target.procs.map((p) => stop(p)));
}
