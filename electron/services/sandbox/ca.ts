import { webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import './reflect-shim.ts';
import * as x509 from '@peculiar/x509';
import { writeFileAtomic } from '../store/atomic.ts';
import { derToPem } from '../pem.ts';

/**
 * The sandbox's own certificate authority and one server certificate for localhost / 127.0.0.1 / ::1.
 * MSAL refuses non-https authorities and the SDK bearer policy refuses http, so every sandbox endpoint
 * serves TLS with this certificate; the cloud definition carries the CA so only that cloud trusts it.
 */
export interface SandboxTls {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export async function createSandboxTls(now = new Date()): Promise<SandboxTls> {
  const crypto = webcrypto;
  x509.cryptoProvider.set(crypto as never);
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + 825 * 24 * 60 * 60 * 1000);
  const caKeys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01' + Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex'),
    name: 'CN=Offline Backup Console Sandbox CA, O=Offline Backup Console (local sandbox)',
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leafKeys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02' + Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex'),
    subject: 'CN=localhost',
    issuer: ca.subject,
    notBefore,
    notAfter: new Date(now.getTime() + 390 * 24 * 60 * 60 * 1000),
    signingAlgorithm: ALG,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keyDer = await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return {
    caCertPem: ca.toString('pem') + '\n',
    certPem: leaf.toString('pem') + '\n',
    keyPem: derToPem(keyDer, 'PRIVATE KEY'),
  };
}

/** Loads the CA and server certificate kept in `<dataDir>/tls/`, creating them on first use (or when expired). */
export async function loadOrCreateTls(dataDir: string): Promise<SandboxTls> {
  const dir = join(dataDir, 'tls');
  try {
    const [caCertPem, certPem, keyPem] = await Promise.all(
      ['ca.pem', 'server.pem', 'server-key.pem'].map((f) => readFile(join(dir, f), 'utf8')),
    );
    const leaf = new x509.X509Certificate(certPem);
    if (leaf.notAfter.getTime() > Date.now() + 24 * 60 * 60 * 1000) return { caCertPem, certPem, keyPem };
  } catch {
    /* missing or unreadable: create below */
  }
  const tls = await createSandboxTls();
  await writeFileAtomic(join(dir, 'ca.pem'), tls.caCertPem);
  await writeFileAtomic(join(dir, 'server.pem'), tls.certPem);
  await writeFileAtomic(join(dir, 'server-key.pem'), tls.keyPem, 0o600);
  return tls;
}
