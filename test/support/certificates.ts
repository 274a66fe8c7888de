import { spawnSync } from 'node:child_process';
import type { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { connect } from 'node:tls';

export interface CertificateFiles {
  cert: string;
  key: string;
}

/** A self-signed certificate for 127.0.0.1 with CN `name`, made by openssl into `dir`. */
export function makeCertificate(
  dir: string,
  name: string,
  keyType: 'rsa' | 'ec' = 'rsa',
): CertificateFiles {
  const files = { cert: join(dir, `${name}.cert.pem`), key: join(dir, `${name}.key.pem`) };
  const newKey =
    keyType === 'rsa'
      ? ['-newkey', 'rsa:2048']
      : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    ...newKey,
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    files.key,
    '-out',
    files.cert,
  ]);
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
  return files;
}

/** The certificate a new TLS connection to 127.0.0.1:`port` is given. */
export function servedCertificate(port: number): Promise<X509Certificate | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerX509Certificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}
