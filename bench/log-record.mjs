// What request logging costs the gateway's own core per request, without the network and the database:
// building the entry as the proxy does, LogBatch.append (encoding, bucket, rollups), and, per full batch,
// making its documents (compressing their entries with Brotli, as the gateway does, in one call on this
// thread) and serializing them to BSON as the driver does before it sends them.
//   npm run bench:log   (builds, then runs on the production build in dist/; LOG_BATCH_SIZE as the gateway reads it)
/* global process, console */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/config.mjs';

const require = createRequire(import.meta.url);
const dist = join(ROOT, 'dist/src/request-logs');
if (!existsSync(join(dist, 'log-batch.js')))
  throw new Error('dist/ is missing: run `npm run build` first');
const { LogBatch } = require(join(dist, 'log-batch.js'));
const { BSON } = require('mongoose').mongo;
const { EnvironmentVariables } = require(join(ROOT, 'dist/src/config/environment-variables.js'));

const ENTRIES = Number(process.env.BENCH_LOG_ENTRIES ?? 500_000);
const ROUNDS = Number(process.env.BENCH_LOG_ROUNDS ?? 7);
const BATCH = Number(process.env.LOG_BATCH_SIZE ?? new EnvironmentVariables().LOG_BATCH_SIZE);
for (const [name, value] of Object.entries({ ENTRIES, ROUNDS, BATCH })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`bad ${name}: ${value}`);
}

const APP = '6650c0ffee0000000000abcd';
const NODES = ['127.0.0.1:41001', '127.0.0.1:41002'];
/** Random, as the gateway's are, so that compression finds no more to save than it does there. */
const REQUEST_IDS = Array.from({ length: 4096 }, () => randomUUID());

function entry(i) {
  const endPoint = NODES[i & 1];
  return {
    date: new Date(),
    appId: APP,
    method: 'GET',
    path: '/1k',
    endPoint,
    responseCode: 200,
    totalTimeMs: Math.round((0.5 + (i % 97) / 10) * 100) / 100,
    upstreamTimeMs: 0.42,
    requestId: REQUEST_IDS[i & 4095],
    clientIp: '127.0.0.1',
    nodesTried: [endPoint],
    bytesIn: 0,
    bytesOut: 1024,
    interrupted: null,
  };
}

const stages = {
  'build the entry': () => {
    let kept;
    for (let i = 0; i < ENTRIES; i++) kept = entry(i);
    return kept;
  },
  '+ append to the batch': () => {
    let batch = new LogBatch();
    for (let i = 0; i < ENTRIES; i++) {
      batch.append(entry(i));
      if (batch.count >= BATCH) batch = new LogBatch();
    }
  },
  '+ documents and BSON per batch': async () => {
    let batch = new LogBatch();
    let bytes = 0;
    for (let i = 0; i < ENTRIES; i++) {
      batch.append(entry(i));
      if (batch.count >= BATCH) {
        for (const doc of await batch.documents()) bytes += BSON.serialize(doc).length;
        batch.rollups.increments();
        batch = new LogBatch();
      }
    }
    return bytes;
  },
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(stages)) {
    const started = process.cpuUsage();
    await run();
    const used = process.cpuUsage(started);
    (results[name] ??= []).push(((used.user + used.system) * 1000) / ENTRIES);
  }
}
console.log(
  `request-log recording, CPU ns per entry (median of ${ROUNDS} rounds of ${ENTRIES} entries, batches of ${BATCH}):`,
);
for (const [name, values] of Object.entries(results)) {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `  ${name.padEnd(32)} ${median(values).toFixed(0).padStart(6)}  (${sorted[0].toFixed(0)}–${sorted.at(-1).toFixed(0)})`,
  );
}
