/* global fetch */
// One row of the table: warm up, then load a target with wrk while watching
// the proxy's CPU time and memory and the backends' request counts.
import { config, log } from './config.mjs';
import { describeErrors, prober } from './probes.mjs';
import { assertAlive, ourPids } from './procs.mjs';
import { backgroundCpu, watch } from './proc-stats.mjs';
import { waitForIdle, waitForQuiet } from './settle.mjs';
import { nodeRequestCounts } from './targets.mjs';
import { runWrk } from './wrk.mjs';

export async function measure(target, size, nodes, { warmup = true } = {}) {
  const settledAfter = config.settle > 0 ? await waitForIdle() : 0;
  const stopRowLoad = await target.rowLoad?.();
  try {
    return { ...(await measureRow(target, size, nodes, warmup)), settledAfter };
  } finally {
    await stopRowLoad?.();
  }
}

async function measureRow(target, size, nodes, warmup) {
  const url = `${target.baseUrl}/${size}`;
  const wrkOpts = { connections: config.connections, cpu: config.loadCpu };
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
  const logsBefore = target.metricsUrl && (await requestLogCounters(target.metricsUrl));
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
  const logsAfter = target.metricsUrl && (await requestLogCounters(target.metricsUrl));
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
    requestLogs:
      logsAfter?.recorded > 0 ? logBacklog(logsBefore, logsAfter, wrk.seconds) : undefined,
    backgroundPct: otherPct,
  };
}

/** The gateway's request-log counters (`slb_request_logs_*` in /metrics). */
async function requestLogCounters(metricsUrl) {
  const text = await (await fetch(metricsUrl)).text();
  const read = (name) =>
    Number(new RegExp(`\\nslb_request_logs_${name} (\\d+)`).exec(text)?.[1] ?? 0);
  return {
    recorded: read('recorded_total'),
    written: read('written_total'),
    dropped: read('dropped_total'),
    buffered: read('buffered'),
  };
}

/** Entries recorded and stored per second over the row, and what waited in the gateway's buffer at its end. */
function logBacklog(before, after, seconds) {
  return {
    recordedPerSec: (after.recorded - before.recorded) / seconds,
    writtenPerSec: (after.written - before.written) / seconds,
    buffered: after.buffered,
    dropped: after.dropped - before.dropped,
  };
}
