'use strict';
// Puts the database work of the gateway's request logs on a database without a gateway: for every
// LOG_BATCH_SIZE requests the backend nodes count, it inserts one batch of request-log buckets, and once a
// second it applies that second's rollups, with the gateway's own code (dist/) for the documents and
// updates, into a database indexed as the gateway indexes it. The batches are built before the first
// request, so this process spends its CPU on the driver alone, not on encoding entries.
//   node bench/log-load.js <mongodb-uri> <database> <node-port>...
/* global process, require, console, fetch, setTimeout, AbortSignal, __dirname */
const { randomUUID } = require('node:crypto'); // eslint-disable-line @typescript-eslint/no-require-imports
const { join } = require('node:path'); // eslint-disable-line @typescript-eslint/no-require-imports
const { mongo } = require('mongoose'); // eslint-disable-line @typescript-eslint/no-require-imports

const ROOT = join(__dirname, '..');
const dist = (path) => require(join(ROOT, 'dist/src', path)); // eslint-disable-line @typescript-eslint/no-require-imports
const { LogBatch } = dist('request-logs/log-batch.js');
const { addIncrement, rollupUpdate, truncateToMinute } = dist('request-logs/rollups.js');
const { RequestLogBucketSchema, REQUEST_LOGS_COLLECTION } = dist(
  'request-logs/schemas/request-log.schema.js',
);
const { RequestStatSchema, REQUEST_STATS_COLLECTION } = dist(
  'request-logs/schemas/request-stat.schema.js',
);
const { EnvironmentVariables } = dist('config/environment-variables.js');

const POLL_MS = 100;
const ROLLUP_MS = 1000;
const PREBUILT_BATCHES = 16;

const [uri, database, ...nodePorts] = process.argv.slice(2);
const defaults = new EnvironmentVariables();
const batchSize = Number(process.env.LOG_BATCH_SIZE ?? defaults.LOG_BATCH_SIZE);
const retentionSeconds =
  Number(process.env.LOG_RETENTION_DAYS ?? defaults.LOG_RETENTION_DAYS) * 86_400;
const appId = new mongo.ObjectId().toHexString();
const endPoints = nodePorts.map((port) => `127.0.0.1:${port}`);

async function prebuiltBatch() {
  const batch = new LogBatch();
  const now = Date.now();
  for (let i = 0; i < batchSize; i++) {
    const endPoint = endPoints[i % endPoints.length];
    const totalTimeMs = Math.round(Math.random() * 300) / 100;
    batch.append({
      date: new Date(now + i),
      appId,
      method: 'GET',
      path: '/1k',
      endPoint,
      responseCode: 200,
      totalTimeMs,
      upstreamTimeMs: totalTimeMs / 2,
      requestId: randomUUID(),
      clientIp: '127.0.0.1',
      nodesTried: [endPoint],
      bytesIn: 0,
      bytesOut: 1024,
      interrupted: null,
    });
  }
  return { documents: await batch.documents(), increments: batch.rollups.increments() };
}

async function servedRequests() {
  const counts = await Promise.all(
    nodePorts.map(async (port) => {
      const res = await fetch(`http://127.0.0.1:${port}/stats`, {
        signal: AbortSignal.timeout(5000),
      });
      return (await res.json()).requests;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function createIndexes(db) {
  const logs = db.collection(REQUEST_LOGS_COLLECTION);
  for (const [keys, options] of RequestLogBucketSchema.indexes())
    await logs.createIndex(keys, options);
  for (const [keys, options] of RequestStatSchema.indexes()) {
    await db.collection(REQUEST_STATS_COLLECTION).createIndex(keys, options);
  }
  // As the gateway's retention does: a TTL index, which FerretDB takes as a plain one.
  await logs
    .createIndex({ last: 1 }, { name: 'last_ttl', expireAfterSeconds: retentionSeconds })
    .catch(() => undefined);
}

async function main() {
  const client = await mongo.MongoClient.connect(uri);
  const db = client.db(database);
  await createIndexes(db);
  const batches = await Promise.all(Array.from({ length: PREBUILT_BATCHES }, prebuiltBatch));
  const logs = db.collection(REQUEST_LOGS_COLLECTION);
  const stats = db.collection(REQUEST_STATS_COLLECTION);
  let seen = await servedRequests();
  let pending = 0;
  let next = 0;
  let rollups = new Map();
  let rollupsDue = Date.now() + ROLLUP_MS;
  console.log('ready');
  for (;;) {
    const served = await servedRequests();
    pending += served - seen;
    seen = served;
    while (pending >= batchSize) {
      pending -= batchSize;
      const { documents, increments } = batches[next++ % batches.length];
      const now = new Date();
      await logs.insertMany(
        documents.map((doc) => ({ ...doc, _id: new mongo.ObjectId(), first: now, last: now })),
        { ordered: false },
      );
      for (const increment of increments) {
        const sum = rollups.get(increment.node);
        if (sum) addIncrement(sum, increment);
        else rollups.set(increment.node, { ...increment, counts: [...increment.counts] });
      }
    }
    if (Date.now() >= rollupsDue && rollups.size > 0) {
      const minute = truncateToMinute(new Date());
      const upserts = [...rollups.values()].map((increment) => {
        const { filter, update } = rollupUpdate({ ...increment, minute });
        return { updateOne: { filter, update, upsert: true } };
      });
      await stats.bulkWrite(upserts, { ordered: false });
      rollups = new Map();
      rollupsDue = Date.now() + ROLLUP_MS;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

main().catch((err) => {
  console.error(`log-load: ${err.message}`);
  process.exit(1);
});
