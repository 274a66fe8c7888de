import { createPrivateKey, X509Certificate } from 'node:crypto';

/**
 * Throws unless `key` is the private key of the first certificate of the PEM chain `cert`. OpenSSL alone
 * lets an RSA key through beside an EC certificate (or the reverse), and then every handshake fails.
 */
export function assertTlsKeyPair(cert: Buffer, key: Buffer): void {
  if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
    throw new Error("the key is not the certificate's private key");
  }
}
