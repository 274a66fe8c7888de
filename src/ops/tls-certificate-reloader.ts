import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Server } from 'node:https';
import { AppConfig, TlsFiles } from '../config/app-config';
import { assertTlsKeyPair } from '../config/tls-key-pair';

export interface ServedCertificate {
  subject: string;
  validTo: Date;
  fingerprint256: string;
}

/**
 * Serves a renewed certificate without a restart: TLS_CERT_FILE and TLS_KEY_FILE are checked every
 * TLS_RELOAD_INTERVAL_MS and read again on SIGHUP (and once at start-up, in case they changed while the
 * gateway was starting). New connections get the new certificate; open ones keep theirs. Files that cannot
 * be read, or a certificate and key that do not make a pair (one of them written, the other not yet), are
 * logged once and the certificate served so far stays; they are tried again at every check.
 */
@Injectable()
export class TlsCertificateReloader implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TLS');
  private timer: NodeJS.Timeout | null = null;
  /** The files' inode, size and time when they were last served, so that an unchanged pair is not read again. */
  private servedState = '';
  private lastFailure = '';
  private running: Promise<void> | null = null;
  /** A reload asked for while one runs: it runs next (forced if any of the asks was). */
  private again: { force: boolean } | null = null;
  private served: ServedCertificate | undefined;
  private readonly onSighup = () => void this.reload(true);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  /** The certificate new connections get; undefined when the gateway serves plain HTTP. */
  get certificate(): ServedCertificate | undefined {
    return this.served;
  }

  async onApplicationBootstrap(): Promise<void> {
    const tls = this.config.tls;
    if (!tls) return;
    this.served = describe(tls.cert);
    process.on('SIGHUP', this.onSighup);
    if (tls.reloadIntervalMs > 0) {
      this.timer = setInterval(() => void this.reload(false), tls.reloadIntervalMs);
      this.timer.unref();
    }
    await this.reload(false);
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    process.off('SIGHUP', this.onSighup);
  }

  /**
   * Reads the files again when they changed since they were served (or always, when `force`) and serves
   * what they hold. Resolves once this reload, and any asked for meanwhile, has run.
   */
  reload(force: boolean): Promise<void> {
    if (this.running) {
      this.again = { force: force || (this.again?.force ?? false) };
      return this.running;
    }
    this.running = this.runAll(force).finally(() => (this.running = null));
    return this.running;
  }

  private async runAll(force: boolean): Promise<void> {
    await this.readAndServe(force);
    while (this.again) {
      const next = this.again;
      this.again = null;
      await this.readAndServe(next.force);
    }
  }

  private async readAndServe(force: boolean): Promise<void> {
    const tls = this.config.tls as TlsFiles;
    let state = 'unknown';
    try {
      state = await filesState(tls);
      if (!force && state === this.servedState) return;
      const [cert, key] = await Promise.all([readFile(tls.certFile), readFile(tls.keyFile)]);
      assertTlsKeyPair(cert, key);
      (this.adapterHost.httpAdapter.getHttpServer() as Server).setSecureContext({ cert, key });
      this.servedState = state;
      this.lastFailure = '';
      const served = describe(cert);
      this.served = served;
      this.logger.log(
        `Serving the certificate of ${tls.certFile}: ${served.subject}, valid until ${served.validTo.toISOString()}, SHA-256 ${served.fingerprint256}`,
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failure = `${state} ${reason}`;
      if (failure === this.lastFailure && !force) return;
      this.lastFailure = failure;
      this.logger.error(
        `Keeping the certificate served so far: ${tls.certFile} and ${tls.keyFile}: ${reason}`,
      );
    }
  }
}

async function filesState({ certFile, keyFile }: TlsFiles): Promise<string> {
  const [cert, key] = await Promise.all([stat(certFile), stat(keyFile)]);
  return [cert, key].map((s) => `${s.ino}:${s.size}:${s.mtimeMs}`).join('/');
}

/** The first certificate of a PEM chain that assertTlsKeyPair has accepted. */
function describe(pem: Buffer): ServedCertificate {
  const certificate = new X509Certificate(pem);
  return {
    subject: certificate.subject.replace(/\n/g, ', '),
    validTo: new Date(certificate.validTo),
    fingerprint256: certificate.fingerprint256,
  };
}
