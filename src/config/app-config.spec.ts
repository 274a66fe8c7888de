import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateFiles, makeCertificate } from '../../test/support/certificates';
import { loadConfig } from './app-config';
import { ConfigError } from './config-error';

describe('loadConfig TLS_CERT_FILE / TLS_KEY_FILE', () => {
  let dir: string;
  let rsa: CertificateFiles;
  let ec: CertificateFiles;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'slb-config-tls-'));
    rsa = makeCertificate(dir, 'rsa');
    ec = makeCertificate(dir, 'ec', 'ec');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (tls: Record<string, string>) =>
    loadConfig({ DATA_DIR: dir, JWT_SECRET: 'x'.repeat(40), ...tls });

  it('serves plain HTTP without them, and reads both files when both are set', () => {
    expect(load({}).tls).toBeUndefined();
    const tls = load({ TLS_CERT_FILE: rsa.cert, TLS_KEY_FILE: rsa.key }).tls;
    expect(tls?.cert).toEqual(readFileSync(rsa.cert));
    expect(tls?.key).toEqual(readFileSync(rsa.key));
    expect(tls?.reloadIntervalMs).toBe(60_000);
  });

  it('refuses a certificate and a key that do not make a pair, of the same key type or not', () => {
    const other = makeCertificate(dir, 'other');
    for (const key of [other.key, ec.key]) {
      expect(() => load({ TLS_CERT_FILE: rsa.cert, TLS_KEY_FILE: key })).toThrow(
        new ConfigError(
          "TLS_CERT_FILE and TLS_KEY_FILE do not make a pair: the key is not the certificate's private key",
        ),
      );
    }
  });

  it('takes TLS_RELOAD_INTERVAL_MS as a whole number of milliseconds a timer can wait, 0 for SIGHUP only', () => {
    const files = { TLS_CERT_FILE: rsa.cert, TLS_KEY_FILE: rsa.key };
    expect(load({ ...files, TLS_RELOAD_INTERVAL_MS: '0' }).tls?.reloadIntervalMs).toBe(0);
    for (const bad of ['-5', 'soon', '3000000000']) {
      expect(() => load({ ...files, TLS_RELOAD_INTERVAL_MS: bad })).toThrow(ConfigError);
    }
  });

  it('refuses one without the other, and a file it cannot read, naming the variable', () => {
    expect(() => load({ TLS_CERT_FILE: rsa.cert })).toThrow(
      new ConfigError(
        'TLS_CERT_FILE and TLS_KEY_FILE go together: set both to serve HTTPS, or neither',
      ),
    );
    expect(() => load({ TLS_CERT_FILE: rsa.cert, TLS_KEY_FILE: join(dir, 'missing.pem') })).toThrow(
      `TLS_KEY_FILE: cannot read ${join(dir, 'missing.pem')} (ENOENT)`,
    );
  });
});
