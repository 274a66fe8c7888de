'use strict';
// A MongoDB wire-protocol relay that acknowledges request-log inserts itself and passes everything else
// on to the database: the gateway then does all of its logging work (encoding, BSON, the driver, the
// socket) while the database does none of the storing, and this relay little more than read the bytes.
//   node bench/log-sink.js <port> <database-host> <database-port>
/* global process, require, Buffer */
const net = require('node:net'); // eslint-disable-line @typescript-eslint/no-require-imports
const { BSON } = require('mongoose').mongo; // eslint-disable-line @typescript-eslint/no-require-imports

const OP_MSG = 2013;
const HEADER_BYTES = 16;
const LOG_COLLECTION = 'request_logs';

const [port, databaseHost, databasePort] = process.argv.slice(2);
let nextRequestId = 1;

/**
 * The reply to an OP_MSG `insert` into the request-log collection; null for any other message. It reads
 * only the elements' headers, so that a large insert costs this process next to nothing.
 */
function acknowledgeLogInsert(message) {
  if (message.readInt32LE(12) !== OP_MSG) return null;
  const bodyAt = HEADER_BYTES + 4;
  if (message.readUInt32LE(HEADER_BYTES) !== 0 || message[bodyAt] !== 0) return null;
  const body = bodyAt + 1;
  let inserted = 0;
  let first = true;
  for (const element of elements(message, body)) {
    if (first && !(element.key === 'insert' && stringValue(message, element) === LOG_COLLECTION)) {
      return null;
    }
    first = false;
    if (element.key === 'documents') inserted += [...elements(message, element.valueAt)].length;
  }
  inserted += sequenceLength(message, body + message.readInt32LE(body));
  const reply = BSON.serialize({ n: inserted, ok: 1 });
  const head = Buffer.alloc(HEADER_BYTES + 5);
  head.writeInt32LE(head.length + reply.length, 0);
  head.writeInt32LE(nextRequestId++, 4);
  head.writeInt32LE(message.readInt32LE(4), 8);
  head.writeInt32LE(OP_MSG, 12);
  return Buffer.concat([head, reply]);
}

/** Bytes of the BSON values of fixed size, by type. */
const FIXED_SIZES = { 1: 8, 7: 12, 8: 1, 9: 8, 10: 0, 16: 4, 17: 8, 18: 8, 19: 16 };

/** The elements (type, key, where the value starts) of the BSON document at `at`. */
function* elements(buffer, at) {
  const end = at + buffer.readInt32LE(at) - 1;
  let cursor = at + 4;
  while (cursor < end) {
    const type = buffer[cursor];
    const keyEnd = buffer.indexOf(0, cursor + 1);
    const element = {
      type,
      key: buffer.toString('latin1', cursor + 1, keyEnd),
      valueAt: keyEnd + 1,
    };
    yield element;
    cursor = element.valueAt + valueSize(buffer, element);
  }
}

function valueSize(buffer, { type, valueAt }) {
  if (type in FIXED_SIZES) return FIXED_SIZES[type];
  if (type === 2 || type === 13 || type === 14) return 4 + buffer.readInt32LE(valueAt);
  if (type === 3 || type === 4) return buffer.readInt32LE(valueAt);
  if (type === 5) return 5 + buffer.readInt32LE(valueAt);
  throw new Error(`log-sink: BSON type ${type} is not handled`);
}

function stringValue(buffer, { type, valueAt }) {
  if (type !== 2) return undefined;
  return buffer.toString('utf8', valueAt + 4, valueAt + 3 + buffer.readInt32LE(valueAt));
}

/** How many documents the document sequences (kind 1 sections) from `at` to the end hold. */
function sequenceLength(message, at) {
  let count = 0;
  while (at < message.length && message[at] === 1) {
    const end = at + 1 + message.readInt32LE(at + 1);
    let doc = message.indexOf(0, at + 5) + 1; // after the sequence's name
    for (; doc < end; doc += message.readInt32LE(doc)) count++;
    at = end;
  }
  return count;
}

net
  .createServer((client) => {
    const database = net.connect(Number(databasePort), databaseHost);
    const close = () => {
      client.destroy();
      database.destroy();
    };
    client.on('error', close).on('close', close);
    database.on('error', close).on('close', close);
    database.pipe(client);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const size = pending.readInt32LE(0);
        const message = pending.subarray(0, size);
        pending = pending.subarray(size);
        const reply = acknowledgeLogInsert(message);
        if (reply) client.write(reply);
        else database.write(message);
      }
    });
  })
  .listen(Number(port), '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
