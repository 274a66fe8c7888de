// One row of the table: warm up, then load a target with wrk while watching
// the proxy's CPU time and memory and the backends' request counts.
/* global fetch, AbortSignal, setTimeout */
import { config, log } from './config.mjs';
import { assertAlive, ourPids, procName } from './procs.mjs';
import { backgroundCpu, watch } from './proc-stats.mjs';
import { nodeRequestCounts } from './targets.mjs';
import { runWrk } from './wrk.mjs';

/** GET `url` once: "HTTP 200", or the status with the start of its body, or the error code. */
async function probe(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    // Ids (request ids) blanked so that equal answers are counted together.
    const text = body.slice(0, 200).replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/gi, '…');
    return res.ok ? `HTTP ${res.status}` : `HTTP ${res.status} ${text}`;
  } catch (err) {
    return err.cause?.code || err.message;
  }
}

/** Probe `url` every `everyMs` while the row runs; tally the answers. */
function prober(url, everyMs = 500) {
  const seen = new Map();
  let running = true;
  const loop = (async () => {
    while (running) {
      const what = await probe(url);
      seen.set(what, (seen.get(what) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

const tally = (seen) => [...seen].map(([what, n]) => `${n}× ${what}`).join('; ');

/** What went wrong in a row with errors: wrk's counts, the probes, the proxy's output. */
async function describeErrors(target, url, wrk, served, during) {
  const parts = [];
  if (wrk.non2xx) parts.push(`${wrk.non2xx} non-2xx`);
  for (const [kind, n] of Object.entries(wrk.socket)) if (n) parts.push(`${n} socket ${kind}`);
  parts.push(`nodes served ${served.reduce((a, b) => a + b, 0)} of ${wrk.requests} requests`);
  const after = new Map();
  for (let i = 0; i < 5; i++) {
    const what = await probe(url);
    after.set(what, (after.get(what) ?? 0) + 1);
  }
  let text = `${parts.join(', ')}; probes during the row: ${tally(during)}; after it: ${tally(after)}`;
  if (target.proc.tail.length) {
    text += `; last ${target.name} output: ${target.proc.tail.slice(-3).join(' ⏎ ')}`;
  }
  return text;
}

/**
 * Wait (at most BENCH_QUIET_WAIT seconds) until processes that are not ours use
 * under a quarter of a core, so that a row does not start amid someone's build.
 */
async function waitForQuiet() {
  const deadline = Date.now() + config.quietWait * 1000;
  for (let first = true; Date.now() < deadline; first = false) {
    const gauge = backgroundCpu(ourPids);
    gauge.start();
    await new Promise((r) => setTimeout(r, 1000));
    const { otherPct } = gauge.stop();
    if (otherPct < 25) return;
    if (first)
      log(
        `waiting up to ${config.quietWait}s for other processes to calm down (${Math.round(otherPct)}% of a core)`,
      );
  }
  log('the machine did not calm down; going on');
}

/**
 * Wait (at most BENCH_SETTLE seconds) until the processes we started are idle,
 * so that what one row left behind (e.g. the gateway's request-log backlog
 * that FerretDB is still writing) does not load the next. Returns the seconds
 * waited, or -1 if they never went idle.
 */
async function waitForIdle() {
  const t0 = Date.now();
  const deadline = t0 + config.settle * 1000;
  let busiest = '';
  while (Date.now() < deadline) {
    const pids = ourPids();
    const gauges = pids.map((pid) => ({ pid, gauge: watch(() => [pid], 10_000) }));
    gauges.forEach((g) => g.gauge.start());
    await new Promise((r) => setTimeout(r, 1000));
    const used = gauges.map((g) => ({ pid: g.pid, pct: g.gauge.stop().cpuUs / 1e4 }));
    const total = used.reduce((a, u) => a + u.pct, 0);
    if (total < 10) return (Date.now() - t0) / 1000 - 1;
    const top = used.sort((a, b) => b.pct - a.pct)[0];
    const name = procName(top.pid);
    if (name !== busiest) {
      busiest = name;
      log(`waiting for ${name} to go idle (${Math.round(top.pct)}% of a core)`);
    }
  }
  log(`WARNING: still busy after ${config.settle}s (BENCH_SETTLE); going on`);
  return -1;
}

export async function measure(target, size, nodes, { warmup = true } = {}) {
  const url = `${target.baseUrl}/${size}`;
  const wrkOpts = { connections: config.connections, cpu: config.loadCpu };
  const settledAfter = config.settle > 0 ? await waitForIdle() : 0;
  if (warmup && config.warmup > 0) {
    log(`${target.name} ${size}: warm-up ${config.warmup}s`);
    await runWrk(url, { ...wrkOpts, seconds: config.warmup });
    assertAlive(target.proc);
  }
  if (config.quietWait > 0) await waitForQuiet();
  log(`${target.name} ${size}: measuring ${config.duration}s`);
  const stats = watch(target.statPids);
  const sidecar = target.sidecar && watch(target.sidecar.statPids);
  const background = backgroundCpu(ourPids);
  const before = await nodeRequestCounts(nodes);
  background.start();
  stats.start();
  sidecar?.start();
  const probes = prober(url);
  const wrk = await runWrk(url, { ...wrkOpts, seconds: config.duration });
  const during = await probes.stop();
  const usage = stats.stop();
  const sideUsage = sidecar?.stop();
  const { otherPct, oursPct } = background.stop();
  if (otherPct > 10) {
    log(`WARNING: other processes used ${Math.round(otherPct)}% of a core during this row`);
  }
  const after = await nodeRequestCounts(nodes);
  assertAlive(target.proc);

  const served = after.map((a, i) => a - before[i]);
  const errors = wrk.non2xx + wrk.socketErrors;
  const total = served.reduce((a, b) => a + b, 0) || 1;
  return {
    target: target.name,
    size,
    ...wrk,
    cpuPerReq: usage.cpuUs / wrk.requests,
    cpuPct: (100 * usage.cpuUs) / (wrk.seconds * 1e6),
    // Everything else we run: wrk, the nodes, FerretDB and this orchestrator.
    loadPct: oursPct - (100 * usage.cpuUs) / (wrk.seconds * 1e6),
    rssMB: usage.peakRssKB / 1024,
    split: served.map((s) => Math.round((100 * s) / total)).join('/'),
    errors,
    errorDetail: errors ? await describeErrors(target, url, wrk, served, during) : undefined,
    sidecarCpuPerReq: sideUsage && sideUsage.cpuUs / wrk.requests,
    backgroundPct: otherPct,
    settledAfter,
  };
}
