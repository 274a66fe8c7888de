import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { ConfigError } from './config-error';
import { parseCidrList } from './parsers';

describe('parseCidrList', () => {
  it('reads addresses and ranges, trimming blanks, and gives bare addresses a host prefix', () => {
    expect(parseCidrList(' 10.0.0.0/8, 192.168.1.7 ,,::1, fd00::/8', 'X')).toEqual([
      '10.0.0.0/8',
      '192.168.1.7/32',
      '::1/128',
      'fd00::/8',
    ]);
    expect(parseCidrList('', 'X')).toEqual([]);
  });

  it.each([
    'localhost',
    '10.0.0.0/33',
    '::1/129',
    '10.0.0.0/',
    '10.0.0.0/8/1',
    '10.0.0.0/x',
    'fe80::1%eth0',
    '300.1.1.1',
  ])('refuses %s, naming the setting and the entry', (entry) => {
    expect(() => parseCidrList(`127.0.0.1, ${entry}`, 'TRUSTED_PROXIES')).toThrow(ConfigError);
    expect(() => parseCidrList(entry, 'TRUSTED_PROXIES')).toThrow(
      new RegExp(`^TRUSTED_PROXIES .*"${entry.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`),
    );
  });
});

describe('loadConfig TRUSTED_PROXIES', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'slb-config-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const load = (trusted?: string) =>
    loadConfig({
      DATA_DIR: dataDir,
      JWT_SECRET: 'x'.repeat(40),
      ...(trusted === undefined ? {} : { TRUSTED_PROXIES: trusted }),
    });

  it('is empty by default and parsed into CIDRs when set', () => {
    expect(load().trustedProxyCidrs).toEqual([]);
    expect(load('10.0.0.1, 172.16.0.0/12').trustedProxyCidrs).toEqual([
      '10.0.0.1/32',
      '172.16.0.0/12',
    ]);
  });

  it('stops the start on an invalid entry', () => {
    expect(() => load('10.0.0.1, proxy.local')).toThrow(/TRUSTED_PROXIES .*"proxy.local"/);
  });
});
