import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateFiles, makeCertificate, servedCertificate } from './support/certificates';
import { startTestApp, TestApp } from './support/test-app';

async function servedFingerprint(port: number): Promise<string> {
  return (await servedCertificate(port))?.fingerprint256 ?? '';
}

function fingerprintOf(pair: CertificateFiles): string {
  return new X509Certificate(readFileSync(pair.cert)).fingerprint256;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function metrics(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1',
      port,
      path: '/metrics',
      rejectUnauthorized: false,
    });
    req.on('error', reject);
    req.end();
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
  });
}

describe('Renewed TLS certificates (TLS_RELOAD_INTERVAL_MS, SIGHUP)', () => {
  let dir: string;
  let first: CertificateFiles;
  let second: CertificateFiles;
  let ec: CertificateFiles;
  let served: CertificateFiles;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'slb-tls-reload-'));
    first = makeCertificate(dir, 'first');
    second = makeCertificate(dir, 'second');
    ec = makeCertificate(dir, 'ec', 'ec');
    served = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function install(pair: CertificateFiles, parts: 'both' | 'cert only' = 'both'): void {
    copyFileSync(pair.cert, served.cert);
    if (parts === 'both') copyFileSync(pair.key, served.key);
  }

  async function startServing(pair: CertificateFiles, reloadIntervalMs: string): Promise<TestApp> {
    install(pair);
    return startTestApp({
      TLS_CERT_FILE: served.cert,
      TLS_KEY_FILE: served.key,
      TLS_RELOAD_INTERVAL_MS: reloadIntervalMs,
    });
  }

  describe('checked every TLS_RELOAD_INTERVAL_MS', () => {
    let t: TestApp;
    let port: number;

    beforeAll(async () => {
      t = await startServing(first, '100');
      port = Number(new URL(t.url).port);
    });
    afterAll(() => t.close());

    it('serves renewed files to new connections without a restart', async () => {
      expect(await servedFingerprint(port)).toBe(fingerprintOf(first));
      install(second);
      await eventually(async () => (await servedFingerprint(port)) === fingerprintOf(second));
    });

    it('keeps the certificate it serves while the files do not make a pair, and takes them once they do', async () => {
      install(second);
      await eventually(async () => (await servedFingerprint(port)) === fingerprintOf(second));
      install(first, 'cert only');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await servedFingerprint(port)).toBe(fingerprintOf(second));
      writeFileSync(served.key, 'not a key');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await servedFingerprint(port)).toBe(fingerprintOf(second));
      copyFileSync(first.key, served.key);
      await eventually(async () => (await servedFingerprint(port)) === fingerprintOf(first));
    });

    it('keeps the certificate it serves when a renewal changes the key type and only the certificate is written yet', async () => {
      install(first);
      await eventually(async () => (await servedFingerprint(port)) === fingerprintOf(first));
      install(ec, 'cert only');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await servedFingerprint(port)).toBe(fingerprintOf(first));
      copyFileSync(ec.key, served.key);
      await eventually(async () => (await servedFingerprint(port)) === fingerprintOf(ec));
    });
  });

  describe('read again on SIGHUP (TLS_RELOAD_INTERVAL_MS=0)', () => {
    let t: TestApp;
    let port: number;

    beforeAll(async () => {
      t = await startServing(first, '0');
      port = Number(new URL(t.url).port);
    });
    afterAll(() => t.close());

    it('serves the files as they are when the process gets SIGHUP, and says when the certificate expires', async () => {
      install(second);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await servedFingerprint(port)).toBe(fingerprintOf(first));
      // Jest gives each test file its own process object, which a real signal does not reach: emit it there.
      process.emit('SIGHUP', 'SIGHUP');
      await eventually(async () => (await servedFingerprint(port)) === fingerprintOf(second));
      const expiry =
        new Date(new X509Certificate(readFileSync(second.cert)).validTo).getTime() / 1000;
      expect(await metrics(port)).toContain(
        `\nslb_tls_certificate_expiry_timestamp_seconds ${expiry}\n`,
      );
    });
  });
});
