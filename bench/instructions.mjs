// Instructions per proxied request, counted by valgrind's callgrind (started by bench/run.sh when
// BENCH_COUNT=instructions). Unlike CPU time, the count hardly moves with what else the machine is doing, so,
// over a few processes, it can tell apart builds or settings whose difference is within the run-to-run
// spread of requests/s.
// It counts user-space instructions of every thread of the proxy, not the kernel's work nor the time an
// instruction takes. See bench/README.md.
/* global process, console */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { BENCH, config, log, ROOT, SIZES, validateConfig } from './lib/config.mjs';
import { registerTempDir, runThenStopAll } from './lib/procs.mjs';
import { environmentLines } from './lib/report.mjs';
import { sanityCheck, startNodes, startTarget, stopTarget } from './lib/targets.mjs';
import { runWrk } from './lib/wrk.mjs';

const TARGETS = ['reference', 'gateway-nolog', 'gateway'];
const env = process.env;
/** Under callgrind a proxy runs some 40 to 60 times slower: warm-up and measurement are longer than the bench's. */
const DEFAULT_SECONDS = 60;
/**
 * The gateway's timers are stretched by this factor, so that what it does per second (request-log flushes
 * and rollups, the registry's sync, health checks) weighs on each request about as it does at full speed.
 */
const timerStretch = Number(env.BENCH_TIMER_STRETCH ?? 40);
const START_TIMEOUT_MS = 600_000;

async function main() {
  validateConfig();
  if (env.BENCH_WARMUP === undefined) config.warmup = DEFAULT_SECONDS;
  if (env.BENCH_DURATION === undefined) config.duration = DEFAULT_SECONDS;
  const targets = env.BENCH_TARGETS ? config.targets : TARGETS;
  const unsupported = targets.filter((t) => !TARGETS.includes(t));
  if (unsupported.length) {
    throw new Error(
      `BENCH_COUNT=instructions measures ${TARGETS.join(', ')}, not ${unsupported.join(', ')}`,
    );
  }
  if (!Number.isFinite(timerStretch) || timerStretch < 1) {
    throw new Error(`BENCH_TIMER_STRETCH must be a number ≥ 1, not ${env.BENCH_TIMER_STRETCH}`);
  }
  const tmp = mkdtempSync(join(os.tmpdir(), 'slb-bench-instructions-'));
  registerTempDir(tmp);
  log(
    `instructions of ${targets.join(',')}, sizes ${config.sizes.join(',')}, warm-up ${config.warmup}s, measured ${config.duration}s`,
  );
  const nodes = await startNodes();
  const counts = [];
  for (let round = 1; round <= config.repeat; round++) {
    if (config.repeat > 1) log(`round ${round} of ${config.repeat}`);
    for (const size of config.sizes) {
      for (const name of targets) counts.push(await countRow(name, size, nodes, tmp));
    }
  }
  const rows = config.sizes.flatMap((size) =>
    targets.map((target) => {
      const perRequest = counts
        .filter((c) => c.target === target && c.size === size)
        .map((c) => c.instructions / c.requests)
        .sort((a, b) => a - b);
      return { target, size, perRequest };
    }),
  );
  const md = report(rows);
  console.log(`\n${md}`);
  const dir = join(BENCH, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-instructions.md`);
  writeFileSync(file, md);
  log(`written to ${file}`);
}

/**
 * One row, in a process of its own: callgrind's counters are only sound from the moment counting is first
 * switched on (switched off and on again, they have come out negative).
 */
async function countRow(name, size, nodes, tmp) {
  const outFile = join(tmp, `${name}-${size}.callgrind`);
  log(`${name} ${size}: starting under callgrind`);
  const target = await startTarget(name, nodes, tmp, {
    launcher: callgrindLauncher(outFile),
    timeoutMs: START_TIMEOUT_MS,
    extraEnv: name.startsWith('gateway') ? stretchedTimers() : {},
  });
  await sanityCheck(target, nodes, 60_000);
  const url = `${target.baseUrl}/${size}`;
  log(`${name} ${size}: warm-up ${config.warmup}s`);
  if (config.warmup > 0) await runWrk(url, load(config.warmup));
  callgrind(['--instr=on', String(target.proc.pid)]);
  log(`${name} ${size}: counting for ${config.duration}s`);
  const counted = await runWrk(url, load(config.duration));
  callgrind(['--dump', String(target.proc.pid)]);
  const instructions = totalOf(`${outFile}.1`);
  await stopTarget(target);
  log(`${name} ${size}: ${Math.round(instructions / counted.requests)} instructions per request`);
  return { target: name, size, requests: counted.requests, instructions };
}

function load(seconds) {
  return { seconds, connections: config.connections, cpu: config.loadCpu };
}

function callgrindLauncher(outFile) {
  return [
    'valgrind',
    '--tool=callgrind',
    // V8 writes the machine code it runs: callgrind must notice code that changes outside files.
    '--smc-check=all-non-file',
    '--instr-atstart=no',
    `--callgrind-out-file=${outFile}`,
  ];
}

/** The gateway's per-second timers at their defaults (read from its build), stretched by BENCH_TIMER_STRETCH. */
function stretchedTimers() {
  const require = createRequire(import.meta.url);
  const { EnvironmentVariables } = require(join(ROOT, 'dist/src/config/environment-variables.js'));
  const defaults = new EnvironmentVariables();
  return Object.fromEntries(
    ['LOG_FLUSH_INTERVAL_MS', 'REGISTRY_SYNC_INTERVAL_MS', 'HEALTHCHECK_INTERVAL_MS'].map(
      (name) => [name, String(Math.round(defaults[name] * timerStretch))],
    ),
  );
}

function callgrind(args) {
  execFileSync('callgrind_control', args, { stdio: 'ignore' });
}

function totalOf(dumpFile) {
  const match = readFileSync(dumpFile, 'utf8').match(/^(?:totals|summary): (\d+)/m);
  if (!match) throw new Error(`no instruction total in ${dumpFile}`);
  return Number(match[1]);
}

/** rows: [{ target, size, perRequest: instructions per request of each process, sorted }] */
function report(rows) {
  const median = (r) => r.perRequest[Math.floor((r.perRequest.length - 1) / 2)];
  const find = (target, size) => rows.find((r) => r.target === target && r.size === size);
  const ratio = (a, b) => (a && b ? `${(median(a) / median(b)).toFixed(3)}×` : '—');
  const thousands = (n) => (n / 1000).toFixed(1);
  const lines = [
    '| target | size | thousand instructions per request | processes, min–max | ÷ reference | ÷ gateway-nolog |',
    '|---|---|--:|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${r.target} | ${r.size} | ${thousands(median(r))} | ${r.perRequest.length}, ${thousands(r.perRequest[0])}–${thousands(r.perRequest.at(-1))} | ${ratio(r, find('reference', r.size))} | ${r.target === 'gateway' ? ratio(r, find('gateway-nolog', r.size)) : '—'} |`,
    ),
  ];
  return [
    '# Simple Load-Balancer benchmark: instructions per request',
    '',
    ...environmentLines(),
    '',
    ...lines,
    '',
    `- Counted by callgrind over ${config.duration}s of \`wrk -c${config.connections}\` per row, after ${config.warmup}s of warm-up uncounted, in a fresh process per row and round (${config.repeat} rounds; the median is shown, the lower middle one of an even number, and ratios are of medians); user-space instructions of every thread of the proxy, divided by the requests wrk completed. Body sizes: ${config.sizes.map((s) => `${s} = ${SIZES[s]} bytes`).join(', ')}.`,
    `- The gateway's per-second timers (request-log flush, registry sync, health checks) ran ${timerStretch} times slower than by default, as everything does under callgrind.`,
    '',
  ].join('\n');
}

runThenStopAll(main, 10_000);
