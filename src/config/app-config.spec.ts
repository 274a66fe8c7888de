import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { ConfigError } from './config-error';

describe('loadConfig TLS_CERT_FILE / TLS_KEY_FILE', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'slb-config-tls-'));
    writeFileSync(join(dir, 'cert.pem'), 'CERT');
    writeFileSync(join(dir, 'key.pem'), 'KEY');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (tls: Record<string, string>) =>
    loadConfig({ DATA_DIR: dir, JWT_SECRET: 'x'.repeat(40), ...tls });

  it('serves plain HTTP without them, and reads both files when both are set', () => {
    expect(load({}).tls).toBeUndefined();
    const tls = load({
      TLS_CERT_FILE: join(dir, 'cert.pem'),
      TLS_KEY_FILE: join(dir, 'key.pem'),
    }).tls;
    expect(tls?.cert.toString()).toBe('CERT');
    expect(tls?.key.toString()).toBe('KEY');
    expect(tls?.reloadIntervalMs).toBe(60_000);
  });

  it('takes TLS_RELOAD_INTERVAL_MS as a whole number of milliseconds, 0 for SIGHUP only', () => {
    const files = { TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') };
    expect(load({ ...files, TLS_RELOAD_INTERVAL_MS: '0' }).tls?.reloadIntervalMs).toBe(0);
    expect(() => load({ ...files, TLS_RELOAD_INTERVAL_MS: '-5' })).toThrow(ConfigError);
    expect(() => load({ ...files, TLS_RELOAD_INTERVAL_MS: 'soon' })).toThrow(ConfigError);
  });

  it('refuses one without the other, and a file it cannot read, naming the variable', () => {
    expect(() => load({ TLS_CERT_FILE: join(dir, 'cert.pem') })).toThrow(
      new ConfigError(
        'TLS_CERT_FILE and TLS_KEY_FILE go together: set both to serve HTTPS, or neither',
      ),
    );
    expect(() =>
      load({ TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'missing.pem') }),
    ).toThrow(`TLS_KEY_FILE: cannot read ${join(dir, 'missing.pem')} (ENOENT)`);
  });
});
