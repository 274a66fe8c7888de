// With BENCH_REPEAT > 1: fold the rounds' rows for one target and size into one
// row of medians, keeping the spread of requests/s for the notes.

const median = (values) => {
  const v = values.filter((x) => x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};

const MEDIAN_FIELDS = [
  'rps',
  'p50',
  'p75',
  'p90',
  'p99',
  'cpuPerReq',
  'cpuPct',
  'loadPct',
  'rssMB',
  'sidecarCpuPerReq',
];

/**
 * The requests/s, CPU µs/request and p99 ratios of target ÷ control for each size, taken within each round
 * and then the median over rounds: steadier than the ratio of medians when the machine's speed drifts
 * between rounds, since a round measures every target at one size back to back.
 */
export function pairedRatios(rounds, pairs) {
  const sizes = [...new Set(rounds[0].map((r) => r.size))];
  return pairs.flatMap(([target, control]) =>
    sizes.flatMap((size) => {
      const perRound = rounds
        .map((round) => {
          const on = round.find((r) => r.target === target && r.size === size);
          const off = round.find((r) => r.target === control && r.size === size);
          return (
            on &&
            off && {
              rps: on.rps / off.rps,
              cpu: on.cpuPerReq / off.cpuPerReq,
              p99: on.p99 / off.p99,
            }
          );
        })
        .filter((ratio) => ratio && Number.isFinite(ratio.rps));
      if (!perRound.length) return [];
      const rps = perRound.map((ratio) => ratio.rps);
      return [
        {
          target,
          control,
          size,
          rps: median(rps),
          rpsRange: [Math.min(...rps), Math.max(...rps)],
          cpu: median(perRound.map((ratio) => ratio.cpu)),
          p99: median(perRound.map((ratio) => ratio.p99)),
        },
      ];
    }),
  );
}

/** rounds: one array of rows per round, in the same order. */
export function combineRounds(rounds) {
  if (rounds.length === 1) return rounds[0];
  return rounds[0].map((first, i) => {
    const rows = rounds.map((round) => round[i]);
    const out = { ...first, rounds: rows.length };
    for (const f of MEDIAN_FIELDS) out[f] = median(rows.map((r) => r[f]));
    out.requests = rows.reduce((a, r) => a + r.requests, 0);
    out.errors = rows.reduce((a, r) => a + r.errors, 0);
    out.errorDetail =
      rows
        .map((r, n) => r.errorDetail && `round ${n + 1}: ${r.errorDetail}`)
        .filter(Boolean)
        .join(' | ') || undefined;
    out.split = [...new Set(rows.map((r) => r.split))].join(', ');
    out.backgroundPct = Math.max(...rows.map((r) => r.backgroundPct));
    out.settledAfter = rows.some((r) => r.settledAfter < 0)
      ? -1
      : Math.max(...rows.map((r) => r.settledAfter));
    const logs = rows.map((r) => r.requestLogs).filter(Boolean);
    out.requestLogs = logs.length
      ? {
          recordedPerSec: median(logs.map((l) => l.recordedPerSec)),
          writtenPerSec: median(logs.map((l) => l.writtenPerSec)),
          buffered: Math.max(...logs.map((l) => l.buffered)),
          dropped: logs.reduce((sum, l) => sum + l.dropped, 0),
        }
      : undefined;
    out.firstRoundRssMB = rows[0].rssMB;
    out.rpsRange = [Math.min(...rows.map((r) => r.rps)), Math.max(...rows.map((r) => r.rps))];
    out.cpuRange = [
      Math.min(...rows.map((r) => r.cpuPerReq)),
      Math.max(...rows.map((r) => r.cpuPerReq)),
    ];
    return out;
  });
}
