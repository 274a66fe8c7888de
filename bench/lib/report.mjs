// Markdown rendering of the measurements, with the environment they ran in.
/* global process */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT, config } from './config.mjs';

const fmt = {
  int: (n) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US')),
  ms: (n) => (n === undefined ? '—' : n < 10 ? n.toFixed(2) : n.toFixed(1)),
  one: (n) => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(1)),
  ratio: (n) => (n === undefined || !Number.isFinite(n) ? '—' : `${n.toFixed(2)}×`),
};

/**
 * rows: [{ target, size, rps, p50, p99, cpuPerReq, cpuPct, loadPct, rssMB, split, errors }]
 * Ratios compare each row with the nginx and reference rows of the same size;
 * CPU ratios are left out for `direct`, whose CPU is the backend node's.
 */
export function markdownTable(rows) {
  const find = (target, size) => rows.find((r) => r.target === target && r.size === size);
  const header = [
    'target',
    'size',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU µs/req',
    'CPU %',
    'load CPU %',
    'RSS MB',
    'req/s ÷ nginx',
    'CPU ÷ nginx',
    'req/s ÷ ref',
    'CPU ÷ ref',
    'node split',
    'errors',
  ];
  const left = ['target', 'size', 'node split'];
  const align = header.map((h) => (left.includes(h) ? '---' : '---:'));
  const lines = [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`];
  for (const r of rows) {
    const nginx = find('nginx', r.size);
    const ref = find('reference', r.size);
    const cpuRatio = (base) =>
      base && r.target !== 'direct' ? r.cpuPerReq / base.cpuPerReq : undefined;
    lines.push(
      `| ${[
        r.target,
        r.size,
        fmt.int(r.rps),
        fmt.ms(r.p50),
        fmt.ms(r.p99),
        fmt.one(r.cpuPerReq),
        fmt.int(r.cpuPct),
        fmt.int(r.loadPct),
        fmt.one(r.rssMB),
        fmt.ratio(nginx && r.rps / nginx.rps),
        fmt.ratio(cpuRatio(nginx)),
        fmt.ratio(ref && r.rps / ref.rps),
        fmt.ratio(cpuRatio(ref)),
        r.split ?? '—',
        r.errors ? fmt.int(r.errors) : '0',
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
  } catch (err) {
    return (err.stderr?.toString() || '').trim() || 'unknown';
  }
}

export function environmentLines() {
  const cpuModel =
    (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || 'unknown';
  const commit = tryRun('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = tryRun('git', ['-C', ROOT, 'status', '--porcelain'])
    ? ' (work tree has changes)'
    : '';
  const undici = JSON.parse(
    readFileSync(join(ROOT, 'node_modules/undici/package.json'), 'utf8'),
  ).version;
  return [
    `- commit ${commit}${dirty}; ${new Date().toISOString()}`,
    `- ${os.cpus().length} × ${cpuModel}; ${os.type()} ${os.release()}`,
    `- node ${process.version}, undici ${undici}, ${tryRun('/bin/sh', ['-c', '(nginx -v || /usr/sbin/nginx -v) 2>&1 | sed "s/^nginx version: //"'])}, ${tryRun('/bin/sh', ['-c', "wrk -v 2>&1 | head -n 1 | cut -d' ' -f1,2"])}`,
    `- wrk -t1 -c${config.connections} --latency, warm-up ${config.warmup}s, measured ${config.duration}s per row` +
      (config.repeat > 1
        ? ` × ${config.repeat} rounds (${config.restart ? 'fresh processes and warm-up in each' : 'warm-up in the first'})`
        : '') +
      '; ' +
      `proxies on CPU ${config.proxyCpu}, wrk and nodes on CPU ${config.loadCpu}` +
      (config.targets.some((t) => t.startsWith('gateway') || t === 'reference-dblog') &&
      !config.mongoUri
        ? `, FerretDB on CPU ${config.dbCpu}`
        : ''),
  ];
}

function backgroundNote(rows) {
  const each = rows.map((r) => `${r.target} ${r.size} ${Math.round(r.backgroundPct)}`).join(', ');
  const which = rows[0]?.rounds ? 'the most in any round' : 'per row';
  return `background CPU (% of a core used by processes the bench did not start, ${which}; high = noisy numbers): ${each}.`;
}

function settleNote(rows) {
  const waited = rows.filter((r) => r.settledAfter < 0 || r.settledAfter >= 2);
  if (!waited.length) return [];
  const each = waited
    .map(
      (r) =>
        `${r.target} ${r.size} ${r.settledAfter < 0 ? 'never (still busy)' : `${Math.round(r.settledAfter)}s`}`,
    )
    .join(', ');
  return [
    `rows start once the processes the bench started are idle; time waited for the previous rows' leftovers (e.g. FerretDB still writing request logs): ${each}.`,
  ];
}

const int = (n) => Math.round(n).toLocaleString('en-US');

function spreadNote(rows) {
  if (!rows[0]?.rounds) return [];
  const each = rows
    .map(
      (r) =>
        `${r.target} ${r.size} ${int(r.rpsRange[0])}–${int(r.rpsRange[1])} req/s, ` +
        `${r.cpuRange[0].toFixed(1)}–${r.cpuRange[1].toFixed(1)} µs/req`,
    )
    .join('; ');
  return [`medians of ${rows[0].rounds} rounds; spread (min–max): ${each}.`];
}

/**
 * Without BENCH_RESTART, later rounds run each process after its rows of every size: its RSS then includes
 * what larger answers grew.
 */
function firstRoundRssNote(rows) {
  if (!rows[0]?.rounds || config.restart) return [];
  const each = rows.map((r) => `${r.target} ${r.size} ${fmt.one(r.firstRoundRssMB)}`).join(', ');
  return [
    `RSS MB in round 1, where each process serves the sizes in order (its first rows have not served larger answers yet; later rounds keep what those grew): ${each}.`,
  ];
}

function pairedNote(paired) {
  if (!paired.length) return [];
  const each = paired
    .map(
      (p) =>
        `${p.target} ÷ ${p.control} ${p.size}: req/s ${fmt.ratio(p.rps)} ` +
        `(${fmt.ratio(p.rpsRange[0])}–${fmt.ratio(p.rpsRange[1])}), CPU µs/req ${fmt.ratio(p.cpu)}, ` +
        `p99 ${fmt.ratio(p.p99)}`,
    )
    .join('; ');
  return [
    `paired ratios (gateway ÷ reference, request logging on ÷ off), taken between rows of one round (measured back to back) and then the median over rounds, with the min–max of req/s; steadier than ratios of the medians when the machine's speed drifts: ${each}.`,
  ];
}

/** The whole results document: environment, table, notes; `paired` from pairedRatios(). */
export function report(rows, notes, paired = []) {
  const sidecarNotes = rows
    .filter((r) => r.sidecarCpuPerReq !== undefined)
    .map(
      (r) =>
        `${r.target} ${r.size}: FerretDB used ${r.sidecarCpuPerReq.toFixed(1)} CPU µs/req (not counted in the table).`,
    );
  const backlogNotes = rows
    .filter((r) => r.requestLogs !== undefined)
    .map(
      (r) =>
        `${r.target} ${r.size}: request logs recorded ${int(r.requestLogs.recordedPerSec)}/s, stored ${int(r.requestLogs.writtenPerSec)}/s; ` +
        `${int(r.requestLogs.buffered)} waiting in the gateway's buffer at the end of the row (part of its RSS), ${int(r.requestLogs.dropped)} dropped.`,
    );
  const errorNotes = rows
    .filter((r) => r.errorDetail)
    .map((r) => `errors in ${r.target} ${r.size}: ${r.errorDetail}`);
  return [
    '# Simple Load-Balancer benchmark',
    '',
    ...environmentLines(),
    '',
    markdownTable(rows),
    '',
    'CPU µs/req = utime+stime of the proxy process (nginx: its worker) over the measured interval ÷ requests; ' +
      'CPU % = the same CPU time ÷ wall time (100 = one core saturated, i.e. the proxy was the bottleneck); ' +
      'load CPU % = the same for everything else the bench runs (wrk, the nodes, FerretDB, this script); ' +
      'near 100 = the load side, not the proxy, was the bottleneck; ' +
      'RSS MB = peak sampled VmRSS during the measured interval; node split = share of requests each backend served; ' +
      'errors = non-2xx responses + socket errors.',
    ...[
      ...spreadNote(rows),
      ...pairedNote(paired),
      ...firstRoundRssNote(rows),
      ...notes,
      ...sidecarNotes,
      ...backlogNotes,
      ...settleNote(rows),
      ...errorNotes,
      backgroundNote(rows),
    ].map((n) => `- ${n}`),
    '',
  ].join('\n');
}
