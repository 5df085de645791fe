import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { Certificate } from '../certificate';

const generateKeyPair = promisify(crypto.generateKeyPair);

/** One certificate of the development PKI with its key. */
export interface DevIdentity {
  cert: Certificate;
  key: KeyObject;
}

/** The development PKI: a root CA, a document signer and a time-stamp authority it issued. */
export interface DevPki {
  ca: DevIdentity;
  signer: DevIdentity;
  tsa: DevIdentity;
  /** Where it lives (`DATA_DIR/pki`). */
  dir: string;
}

const FILE = 'dev-pki.json';
const FORMAT = 1;

interface StoredIdentity {
  cert: string;
  key: string;
}
interface StoredPki {
  format: number;
  createdAt: string;
  ca: StoredIdentity;
  signer: StoredIdentity;
  tsa: StoredIdentity;
}

/**
 * Loads the development PKI from `dir`, generating it the first time. Two processes starting at
 * once on an empty directory both generate, but only one file wins (written whole to a temporary
 * name, then linked into place, which fails if the name exists); the other process reads the
 * winner's, so everything signed chains to the one CA on disk.
 */
export async function loadOrCreateDevPki(dir: string, now: Date = new Date()): Promise<DevPki> {
  const file = path.join(dir, FILE);
  const existing = readPki(file, dir);
  if (existing) return existing;

  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stored = await generatePki(now);
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const pki = readPki(file, dir);
  if (!pki) throw new Error(`${file} vanished while it was being created`);
  writePublicCa(dir, pki.ca.cert);
  return pki;
}

function readPki(file: string, dir: string): DevPki | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const stored = JSON.parse(text) as StoredPki;
    if (stored.format !== FORMAT) throw new Error(`format ${String(stored.format)} is not ${FORMAT}`);
    const identity = (s: StoredIdentity): DevIdentity => ({ cert: Certificate.fromPem(s.cert), key: crypto.createPrivateKey(s.key) });
    return { ca: identity(stored.ca), signer: identity(stored.signer), tsa: identity(stored.tsa), dir };
  } catch (err) {
    throw new Error(
      `The development PKI in ${file} cannot be read (${err instanceof Error ? err.message : String(err)}). ` +
        'Delete that directory to generate a new one (letters signed with the old one will no longer chain to a trusted root).',
    );
  }
}

/** The CA certificate alone, for importing into a validator's trust store (certs/README.md). */
function writePublicCa(dir: string, ca: Certificate): void {
  const target = path.join(dir, 'ca.pem');
  if (fs.existsSync(target)) return;
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, ca.pem, { mode: 0o644 });
  fs.renameSync(tmp, target);
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

async function generatePki(now: Date): Promise<StoredPki> {
  const [caKeys, signerKeys, tsaKeys] = await Promise.all([rsaPair(), rsaPair(), rsaPair()]);
  const org = 'Sūtne (development only)';
  const caSubject = names('Sūtne development root CA', org);
  const caCert = buildCert({
    subject: caSubject, issuer: caSubject, publicKey: caKeys.publicKey, signingKey: caKeys.privateKey,
    notBefore: now, years: 20,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  const issued = (cn: string, keys: ForgePair, extensions: object[]) =>
    buildCert({
      subject: names(cn, org), issuer: caSubject, publicKey: keys.publicKey, signingKey: caKeys.privateKey,
      notBefore: now, years: 10,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        ...extensions,
        { name: 'subjectKeyIdentifier' },
        { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
      ],
    });
  // No extended key usage on the signer: NSS (pdfsig) rejects a signer whose EKU lacks emailProtection.
  const signerCert = issued('Sūtne development signer', signerKeys, [
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
  ]);
  // RFC 3161 2.3: a TSA certificate has exactly one extended key usage, timeStamping, marked critical.
  const tsaCert = issued('Sūtne development TSA', tsaKeys, [
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'extKeyUsage', timeStamping: true, critical: true },
  ]);
  return {
    format: FORMAT,
    createdAt: now.toISOString(),
    ca: { cert: forge.pki.certificateToPem(caCert), key: caKeys.pkcs8 },
    signer: { cert: forge.pki.certificateToPem(signerCert), key: signerKeys.pkcs8 },
    tsa: { cert: forge.pki.certificateToPem(tsaCert), key: tsaKeys.pkcs8 },
  };
}

interface ForgePair {
  publicKey: forge.pki.rsa.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  pkcs8: string;
}

/** Keys come from node:crypto (native, fast); node-forge builds and signs the certificates. */
async function rsaPair(): Promise<ForgePair> {
  const { publicKey, privateKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string) as forge.pki.rsa.PublicKey,
    privateKey: forge.pki.privateKeyFromPem(pkcs8) as forge.pki.rsa.PrivateKey,
    pkcs8,
  };
}

function names(commonName: string, organization: string): forge.pki.CertificateField[] {
  const utf8 = forge.asn1.Type.UTF8;
  return [
    { name: 'countryName', value: 'LV' },
    { name: 'organizationName', value: organization, valueTagClass: utf8 } as unknown as forge.pki.CertificateField,
    { name: 'commonName', value: commonName, valueTagClass: utf8 } as unknown as forge.pki.CertificateField,
  ];
}

function buildCert(o: {
  subject: forge.pki.CertificateField[];
  issuer: forge.pki.CertificateField[];
  publicKey: forge.pki.rsa.PublicKey;
  signingKey: forge.pki.rsa.PrivateKey;
  notBefore: Date;
  years: number;
  extensions: object[];
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = o.publicKey;
  // Positive, 16 random bytes: unique without a counter to keep.
  cert.serialNumber = `01${crypto.randomBytes(15).toString('hex')}`;
  // A little in the past, so a machine whose clock lags a minute still accepts it.
  cert.validity.notBefore = new Date(o.notBefore.getTime() - 3600_000);
  cert.validity.notAfter = new Date(o.notBefore.getTime() + o.years * YEAR_MS);
  cert.setSubject(o.subject);
  cert.setIssuer(o.issuer);
  cert.setExtensions(o.extensions);
  cert.sign(o.signingKey, forge.md.sha256.create());
  return cert;
}
