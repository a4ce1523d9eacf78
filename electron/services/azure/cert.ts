/**
 * The self-signed certificate this machine uses as the Entra application's credential (SPEC.md decision 2, §2.8).
 * RSA 2048 / SHA-256 (Entra key credentials must be RSA), valid two years, created locally with webcrypto;
 * only the public certificate leaves the machine. The private key is kept through the Protector.
 */
import { createHash, webcrypto } from 'node:crypto';
import '../sandbox/reflect-shim.ts';
import * as x509 from '@peculiar/x509';
import { derToPem } from '../pem.ts';

export interface LocalCertificate {
  certPem: string;
  /** base64 DER, what Graph's keyCredential.key takes. */
  certDerBase64: string;
  /** PKCS#8 PEM of the private key (protect before storing). */
  privateKeyPem: string;
  /** SHA-1 hex (upper case), as Windows and the Entra portal show it. */
  thumbprint: string;
  thumbprintSha256: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

const ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

export async function createLocalCertificate(
  label: string,
  now = new Date(),
  validityDays = 730,
): Promise<LocalCertificate> {
  const crypto = webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0];
  x509.cryptoProvider.set(crypto);
  const subtle = webcrypto.subtle;
  const keys = await subtle.generateKey(ALG, true, ['sign', 'verify']);
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const notAfter = new Date(now.getTime() + validityDays * 86_400_000);
  const subject = `CN=CB_AzureADCertforOfflineSeeding_${label}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: subject,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: keys as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
  const der = Buffer.from(cert.rawData);
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certPem: cert.toString('pem') + '\n',
    certDerBase64: der.toString('base64'),
    privateKeyPem: derToPem(pkcs8, 'PRIVATE KEY'),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    subject,
    notBefore,
    notAfter,
  };
}
