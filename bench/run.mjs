// Benchmark orchestration (started by bench/run.sh, which installs the tools).
// Starts two fake backend nodes and the selected proxies, loads each with wrk,
// measures the proxy's CPU time and peak RSS, and prints a Markdown table
// (also written to bench/results/<timestamp>.md). See bench/README.md.
/* global console */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { combineRounds, pairedRatios } from './lib/aggregate.mjs';
import { BENCH, config, log, validateConfig } from './lib/config.mjs';
import { measure } from './lib/measure.mjs';
import { registerTempDir, runThenStopAll } from './lib/procs.mjs';
import { report } from './lib/report.mjs';
import { sanityCheck, startNodes, startTarget, stopTarget } from './lib/targets.mjs';

/**
 * The comparisons the issues set targets for (the gateway against the reference, logging on against off),
 * and their controls.
 */
const PAIRS = [
  ['gateway', 'reference'],
  ['gateway', 'reference-dblog'],
  ['reference-dblog', 'reference'],
  ['gateway-nolog', 'reference'],
  ['gateway', 'gateway-nolog'],
  ['gateway-logsink', 'gateway-nolog'],
];

async function main() {
  validateConfig();
  const tmp = mkdtempSync(join(os.tmpdir(), 'slb-bench-'));
  registerTempDir(tmp);
  log(
    `targets ${config.targets.join(',')}, sizes ${config.sizes.join(',')}, warm-up ${config.warmup}s, duration ${config.duration}s`,
  );

  const nodes = await startNodes();
  log(`nodes on ports ${nodes.map((n) => n.port).join(', ')}`);

  // Rounds interleave the targets, and within a round every target is measured at one size before the
  // next size, so that drifts of the machine's speed hit the rows that are compared alike. Each round starts
  // one target further on, so that no target is always measured right after the same one. With
  // BENCH_RESTART (the default), each round runs fresh processes: one Node process can stay a few percent
  // faster or slower than another of the same build for its whole life, and a median over rounds then
  // spans several processes instead of repeating one.
  const rounds = [];
  let targets = await startTargets(nodes, tmp);
  for (let round = 1; round <= config.repeat; round++) {
    if (config.repeat > 1) log(`round ${round} of ${config.repeat}`);
    const fresh = round === 1 || config.restart;
    if (round > 1 && config.restart) {
      for (const t of targets) await stopTarget(t);
      targets = await startTargets(nodes, tmp);
    }
    const rows = [];
    const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]);
    for (const size of config.sizes) {
      for (const t of order) {
        rows.push(await measure(t, size, nodes, { warmup: fresh }));
      }
    }
    rows.sort(
      (a, b) =>
        config.targets.indexOf(a.target) - config.targets.indexOf(b.target) ||
        config.sizes.indexOf(a.size) - config.sizes.indexOf(b.size),
    );
    rounds.push(rows);
  }
  const rows = combineRounds(rounds);
  const paired = pairedRatios(rounds, PAIRS);

  const md = report(rows, targets.map((t) => t.note).filter(Boolean), paired);
  console.log(`\n${md}`);
  const dir = join(BENCH, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, md);
  log(`written to ${file}`);
}

async function startTargets(nodes, tmp) {
  const targets = [];
  for (const name of config.targets) {
    log(`starting ${name}`);
    const t = await startTarget(name, nodes, tmp);
    await sanityCheck(t, nodes);
    log(`${name} ready at ${t.baseUrl} (pid ${t.proc.pid})`);
    targets.push(t);
  }
  return targets;
}

runThenStopAll(main);
