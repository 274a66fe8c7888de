// CPU time and resident memory of a set of processes, read from /proc.
/* global process, setInterval, clearInterval */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clkTck;
function ticksPerSecond() {
  if (!clkTck) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** utime+stime of `pid`, in microseconds (0 if it is gone). */
function cpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / ticksPerSecond();
  } catch {
    return 0;
  }
}

/** A `kB` field (VmRSS, VmHWM) of /proc/<pid>/status. */
function statusKB(pid, field) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(
      new RegExp(`^${field}:\\s+(\\d+)`, 'm'),
    );
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Watch the processes returned by `pidsFn()` (re-evaluated at each sample, so
 * forked workers are seen): CPU time used between start() and stop(), and the
 * peak of their summed VmRSS, sampled every `intervalMs`.
 */
export function watch(pidsFn, intervalMs = 200) {
  const cpuStart = new Map();
  const cpuLast = new Map(); // last reading, kept if a process exits meanwhile
  let peakRssKB = 0;
  let timer;
  const sample = () => {
    const pids = pidsFn();
    for (const pid of pids) {
      const t = cpuMicros(pid);
      if (!cpuStart.has(pid)) cpuStart.set(pid, t);
      if (t > 0) cpuLast.set(pid, t);
    }
    peakRssKB = Math.max(
      peakRssKB,
      pids.reduce((sum, pid) => sum + statusKB(pid, 'VmRSS'), 0),
    );
  };
  return {
    start() {
      sample();
      timer = setInterval(sample, intervalMs);
    },
    stop() {
      clearInterval(timer);
      sample();
      let cpuUs = 0;
      for (const [pid, t0] of cpuStart) cpuUs += Math.max(0, (cpuLast.get(pid) ?? t0) - t0);
      const hwmKB = pidsFn().reduce((sum, pid) => sum + statusKB(pid, 'VmHWM'), 0);
      return { cpuUs, peakRssKB, hwmKB };
    },
  };
}

/** Busy CPU time of the whole machine (all cores), in microseconds. */
function machineBusyMicros() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  // cpu user nice system idle iowait irq softirq steal ...
  return ((f[1] + f[2] + f[3] + f[6] + f[7]) * 1e6) / ticksPerSecond();
}

/** This process's CPU time plus that of its children it has reaped (e.g. a finished wrk). */
function selfAndReapedMicros() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1e6) / ticksPerSecond();
}

/**
 * CPU used by processes that are not ours (otherPct: a gauge of how noisy the
 * machine was) and by ours (oursPct), between start() and stop(), as
 * percentages of one core. `pidsFn()` lists our live processes; ours that
 * exited (wrk) were reaped by this process, which counts as ours too.
 */
export function backgroundCpu(pidsFn) {
  const snap = () => ({
    at: process.hrtime.bigint(),
    busy: machineBusyMicros(),
    self: selfAndReapedMicros(),
    pids: new Map(pidsFn().map((pid) => [pid, cpuMicros(pid)])),
  });
  let t0;
  return {
    start() {
      t0 = snap();
    },
    stop() {
      const t1 = snap();
      let ours = t1.self - t0.self;
      for (const [pid, t] of t1.pids) ours += t - (t0.pids.get(pid) ?? 0);
      const wallUs = Number(t1.at - t0.at) / 1000;
      return {
        otherPct: Math.max(0, (100 * (t1.busy - t0.busy - ours)) / wallUs),
        oursPct: (100 * ours) / wallUs,
      };
    },
  };
}
