// Benchmark settings, from BENCH_* environment variables (see bench/README.md).
/* global process, console */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnvAssignments } from './gateway.mjs';

export const BENCH = dirname(dirname(fileURLToPath(import.meta.url)));
export const ROOT = dirname(BENCH);
export const ALL_TARGETS = [
  'direct',
  'nginx',
  'reference',
  'reference-dblog',
  'gateway',
  'gateway-nolog',
  'gateway-logsink',
];
export const SIZES = { '1k': 1024, '100k': 100 * 1024 };

const env = process.env;
const list = (v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
export const config = {
  targets: list(env.BENCH_TARGETS || ALL_TARGETS.join(',')),
  sizes: list(env.BENCH_SIZES || '1k,100k'),
  warmup: Number(env.BENCH_WARMUP ?? 10),
  duration: Number(env.BENCH_DURATION ?? 15),
  connections: Number(env.BENCH_CONNECTIONS ?? 50),
  quietWait: Number(env.BENCH_QUIET_WAIT ?? 0),
  settle: Number(env.BENCH_SETTLE ?? 120),
  repeat: Number(env.BENCH_REPEAT ?? 1),
  restart: (env.BENCH_RESTART ?? '1') !== '0',
  proxyCpu: env.BENCH_PROXY_CPU ?? '1',
  loadCpu: env.BENCH_LOAD_CPU ?? '0',
  dbCpu: env.BENCH_DB_CPU ?? env.BENCH_LOAD_CPU ?? '0',
  dbDir: env.BENCH_DB_DIR || (existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()),
  gatewayEnv: env.BENCH_GATEWAY_ENV ?? '',
  mongoUri: env.MONGODB_URI || '',
  ferretdb:
    env.BENCH_FERRETDB ||
    join(env.XDG_CACHE_HOME || join(os.homedir(), '.cache'), 'simple-load-balancer/bin/ferretdb'),
};

export function validateConfig() {
  const bad = config.targets.filter((t) => !ALL_TARGETS.includes(t));
  if (bad.length)
    throw new Error(
      `BENCH_TARGETS: unknown target(s) ${bad.join(', ')} (known: ${ALL_TARGETS.join(', ')})`,
    );
  const badSizes = config.sizes.filter((s) => !(s in SIZES));
  if (badSizes.length)
    throw new Error(`BENCH_SIZES: unknown size(s) ${badSizes.join(', ')} (known: 1k, 100k)`);
  for (const k of ['warmup', 'duration', 'connections', 'quietWait', 'settle']) {
    if (!Number.isFinite(config[k]) || config[k] < 0)
      throw new Error(`bad BENCH_${k.replace(/[A-Z]/g, '_$&').toUpperCase()}: ${config[k]}`);
  }
  if (config.duration < 1) throw new Error('BENCH_DURATION must be at least 1 second');
  if (!Number.isInteger(config.repeat) || config.repeat < 1) {
    throw new Error(`BENCH_REPEAT must be a whole number ≥ 1, not ${env.BENCH_REPEAT}`);
  }
  config.gatewayExtraEnv = parseEnvAssignments(config.gatewayEnv);
}

export const log = (msg) => console.error(`bench: ${msg}`);
