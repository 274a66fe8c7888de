import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { Model } from 'mongoose';
import { loadConfig } from '../config/app-config';
import { RequestLogRetention } from './request-log-retention';
import { RequestLogBucket } from './schemas/request-log.schema';
import { RequestStat } from './schemas/request-stat.schema';

const DAY_S = 86_400;

interface FakeServer {
  createIndex: jest.Mock;
  listIndexes: jest.Mock;
  command: jest.Mock;
  deleteMany: jest.Mock;
}

function fakeModel(server: FakeServer, name: string): Model<never> {
  return {
    collection: {
      collectionName: name,
      createIndex: server.createIndex,
      listIndexes: () => ({ toArray: () => server.listIndexes(name) }),
    },
    db: { db: { command: server.command } },
    deleteMany: (filter: unknown) => server.deleteMany(name, filter),
  } as unknown as Model<never>;
}

function makeRetention(server: FakeServer, days = 1): RequestLogRetention {
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'unit-test-secret-unit-test-secret-0123456789',
    LOG_RETENTION_DAYS: String(days),
  });
  return new RequestLogRetention(
    config,
    fakeModel(server, 'request_logs') as unknown as Model<RequestLogBucket>,
    fakeModel(server, 'request_stats') as unknown as Model<RequestStat>,
  );
}

function ttlIndexes(field: (name: string) => string, seconds: number) {
  return (name: string) => [
    { key: { _id: 1 }, name: '_id_' },
    { key: { [field(name)]: 1 }, name: `${field(name)}_ttl`, expireAfterSeconds: seconds },
  ];
}
const fieldOf = (name: string) => (name === 'request_logs' ? 'last' : 'minute');

function server(overrides: Partial<FakeServer> = {}): FakeServer {
  return {
    createIndex: jest.fn().mockResolvedValue('ok'),
    listIndexes: jest.fn().mockImplementation(ttlIndexes(fieldOf, DAY_S)),
    command: jest.fn().mockResolvedValue({ ok: 1 }),
    deleteMany: jest.fn().mockResolvedValue({ deletedCount: 0 }),
    ...overrides,
  };
}

describe('RequestLogRetention', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('uses TTL indexes when the server lists them with the wanted expireAfterSeconds', async () => {
    const s = server();
    expect(await makeRetention(s).mode()).toBe('ttl');
    expect(s.createIndex).toHaveBeenCalledWith(
      { last: 1 },
      { name: 'last_ttl', expireAfterSeconds: DAY_S },
    );
    expect(s.createIndex).toHaveBeenCalledWith(
      { minute: 1 },
      { name: 'minute_ttl', expireAfterSeconds: DAY_S },
    );
  });

  it('sweeps when the server refuses the option (FerretDB 1.x: NotImplemented)', async () => {
    const refused = Object.assign(
      new Error('Index option "expireAfterSeconds" is not implemented yet'),
      {
        code: 238,
      },
    );
    const s = server({ createIndex: jest.fn().mockRejectedValue(refused) });
    expect(await makeRetention(s).mode()).toBe('sweep');
  });

  it('sweeps when the server accepts the index but does not report the TTL', async () => {
    const s = server({
      listIndexes: jest
        .fn()
        .mockImplementation((name: string) => [{ key: { [fieldOf(name)]: 1 } }]),
    });
    expect(await makeRetention(s).mode()).toBe('sweep');
  });

  it('updates an existing TTL index whose retention changed', async () => {
    const conflict = Object.assign(new Error('Index already exists with different options'), {
      code: 85,
    });
    const s = server({
      createIndex: jest.fn().mockRejectedValue(conflict),
      listIndexes: jest.fn().mockImplementation(ttlIndexes(fieldOf, 2 * DAY_S)),
    });
    expect(await makeRetention(s, 2).mode()).toBe('ttl');
    expect(s.command).toHaveBeenCalledWith({
      collMod: 'request_logs',
      index: { keyPattern: { last: 1 }, expireAfterSeconds: 2 * DAY_S },
    });
  });

  it('sweeps meanwhile, and asks again later, when the database could not be reached', async () => {
    const s = server({
      createIndex: jest.fn().mockRejectedValue(new Error('connect ECONNREFUSED')),
    });
    const retention = makeRetention(s);
    expect(await retention.mode()).toBe('sweep');
    expect(await retention.mode()).toBe('sweep');
    expect(s.createIndex).toHaveBeenCalledTimes(2); // once per collection: the answer is cached until retried
  });

  it('sweeps log buckets by their newest entry and rollups by minute before the cutoff', async () => {
    const s = server({ deleteMany: jest.fn().mockResolvedValue({ deletedCount: 2 }) });
    const now = new Date('2026-01-03T00:00:00Z');
    expect(await makeRetention(s).sweep(now)).toEqual({ logs: 2, stats: 2 });
    const cutoff = new Date('2026-01-02T00:00:00Z');
    expect(s.deleteMany).toHaveBeenCalledWith('request_logs', {
      $or: [{ last: { $lt: cutoff } }, { date: { $lt: cutoff } }],
    });
    expect(s.deleteMany).toHaveBeenCalledWith('request_stats', { minute: { $lt: cutoff } });
  });
});
