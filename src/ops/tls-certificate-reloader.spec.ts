import { Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateFiles, makeCertificate } from '../../test/support/certificates';
import { AppConfig } from '../config/app-config';
import { TlsCertificateReloader } from './tls-certificate-reloader';

describe('TlsCertificateReloader', () => {
  let dir: string;
  let first: CertificateFiles;
  let second: CertificateFiles;
  let served: CertificateFiles;
  let server: Server;
  let reloader: TlsCertificateReloader;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'slb-tls-reloader-'));
    first = makeCertificate(dir, 'first');
    second = makeCertificate(dir, 'second');
    served = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(() => {
    install(first);
    const cert = readFileSync(first.cert);
    const key = readFileSync(first.key);
    server = createServer({ cert, key });
    jest.spyOn(server, 'setSecureContext');
    const config = {
      tls: { certFile: served.cert, keyFile: served.key, cert, key, reloadIntervalMs: 0 },
    } as AppConfig;
    const adapterHost = { httpAdapter: { getHttpServer: () => server } } as HttpAdapterHost;
    reloader = new TlsCertificateReloader(adapterHost, config);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    reloader.onModuleDestroy();
    jest.restoreAllMocks();
  });

  function install(files: CertificateFiles): void {
    copyFileSync(files.cert, served.cert);
    copyFileSync(files.key, served.key);
  }

  const subjectOf = (files: CertificateFiles) =>
    new X509Certificate(readFileSync(files.cert)).subject;

  it('serves files renewed while the gateway was starting (read before bootstrap)', async () => {
    install(second);
    await reloader.onApplicationBootstrap();
    expect(reloader.certificate?.subject).toBe(subjectOf(second));
  });

  it('runs a reload asked for while one runs, instead of joining it', async () => {
    await reloader.onApplicationBootstrap();
    (server.setSecureContext as jest.Mock).mockClear();
    const both = [reloader.reload(true), reloader.reload(true)];
    await Promise.all(both);
    expect(server.setSecureContext).toHaveBeenCalledTimes(2);
  });

  it('serves the files again only once they changed, unless forced', async () => {
    await reloader.onApplicationBootstrap();
    (server.setSecureContext as jest.Mock).mockClear();
    await reloader.reload(false);
    expect(server.setSecureContext).not.toHaveBeenCalled();
    install(second);
    await reloader.reload(false);
    expect(server.setSecureContext).toHaveBeenCalledTimes(1);
    expect(reloader.certificate?.subject).toBe(subjectOf(second));
  });

  it('logs a failure once while it lasts, keeps the certificate, and serves the files once they are whole', async () => {
    await reloader.onApplicationBootstrap();
    rmSync(served.key);
    for (let i = 0; i < 3; i++) await reloader.reload(false);
    expect(Logger.prototype.error).toHaveBeenCalledTimes(1);
    expect(reloader.certificate?.subject).toBe(subjectOf(first));
    install(second);
    await reloader.reload(false);
    expect(reloader.certificate?.subject).toBe(subjectOf(second));
  });
});
