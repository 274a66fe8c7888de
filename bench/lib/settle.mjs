// Waiting for a calm machine before a row: our own processes idle (always,
// up to BENCH_SETTLE) and other people's quiet (opt-in, BENCH_QUIET_WAIT).
/* global setTimeout */
import { config, log } from './config.mjs';
import { ourPids, procName } from './procs.mjs';
import { backgroundCpu, watch } from './proc-stats.mjs';

/**
 * Wait (at most BENCH_SETTLE seconds) until the processes we started are idle,
 * so that what one row left behind (e.g. the gateway's request-log backlog
 * that FerretDB is still writing) does not load the next. Returns the seconds
 * waited, or -1 if they never went idle.
 */
export async function waitForIdle() {
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

/**
 * Wait (at most BENCH_QUIET_WAIT seconds) until processes that are not ours use
 * under a quarter of a core, so that a row does not start amid someone's build.
 */
export async function waitForQuiet() {
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
