import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import PDFDocument from 'pdfkit';
import { PDFDocument as PdfLibDocument, StandardFonts } from 'pdf-lib';
import { systemClock, type Clock } from '../../src/clock';
import { createSigningService, type SigningConfig, type SigningService } from '../../src/signing';

/** Test helpers for signatures: sample PDFs from two producers, and the independent validators. */

const fontPath = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

/** A two-page PDF/A-2b letter from pdfkit: classic cross-reference table. */
export function pdfkitLetter(text = 'Par bērna tiesību aizsardzību'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ pdfVersion: '1.7', subset: 'PDF/A-2b', font: fontPath, info: { Title: 'Vēstule' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(12).text(text);
    doc.addPage().text('Otrā lapa');
    doc.end();
  });
}

/** A PDF from pdf-lib with object streams: a cross-reference stream, catalog and pages compressed. */
export async function pdfLibDocument(): Promise<Buffer> {
  const doc = await PdfLibDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText('Produced by another library', { x: 50, y: 700, font });
  doc.addPage();
  return Buffer.from(await doc.save({ useObjectStreams: true }));
}

export function tempDir(prefix = 'sutne-sign-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function signingService(dataDir: string, config: Partial<SigningConfig> = {}, clock: Clock = systemClock): SigningService {
  return createSigningService({
    config: { dataDir, signingP12: undefined, signingP12Password: undefined, tsaUrl: undefined, tsaTimeoutMs: 5000, trustAnchors: undefined, ...config },
    clock,
  });
}

export interface SignatureParts {
  byteRange: [number, number, number, number];
  /** The bytes the ByteRange covers. */
  content: Buffer;
  /** The CMS, without the placeholder's zero padding. */
  cms: Buffer;
}

/** The last signature's ByteRange, signed bytes and CMS, read with plain string search. */
export function signatureParts(pdf: Buffer): SignatureParts {
  const text = pdf.toString('latin1');
  const all = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const m = all[all.length - 1]!;
  const byteRange = m.slice(1, 5).map(Number) as [number, number, number, number];
  const [, a, b, c] = byteRange;
  const hex = text.slice(a + 1, b - 1);
  const der = Buffer.from(hex, 'hex');
  const parsed = forge.asn1.fromDer(der.toString('binary'), { parseAllBytes: false } as never);
  const cms = Buffer.from(forge.asn1.toDer(parsed).getBytes(), 'binary');
  return { byteRange, content: Buffer.concat([pdf.subarray(0, a), pdf.subarray(b, b + c)]), cms };
}

/** The SignerInfo of a CMS as node-forge ASN.1, for reading attributes in tests. */
export function signerInfoOf(cms: Buffer): forge.asn1.Asn1 {
  const ci = forge.asn1.fromDer(cms.toString('binary'));
  const sd = (ci.value as forge.asn1.Asn1[])[1]!.value[0] as forge.asn1.Asn1;
  const parts = sd.value as forge.asn1.Asn1[];
  return (parts[parts.length - 1]!.value as forge.asn1.Asn1[])[0]!;
}

export function attributeOids(set: forge.asn1.Asn1 | undefined): string[] {
  return ((set?.value as forge.asn1.Asn1[] | undefined) ?? []).map((a) => forge.asn1.derToOid((a.value as forge.asn1.Asn1[])[0]!.value as string));
}

/** signedAttrs [0], the signature value, unsignedAttrs [1] of a SignerInfo. */
export function signerInfoParts(cms: Buffer): { signed: forge.asn1.Asn1 | undefined; signature: Buffer; unsigned: forge.asn1.Asn1 | undefined; certificates: number } {
  const si = signerInfoOf(cms);
  const parts = si.value as forge.asn1.Asn1[];
  const ctx = (n: number) => parts.find((p) => p.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && p.type === n);
  const sig = parts.filter((p) => p.tagClass === forge.asn1.Class.UNIVERSAL && p.type === forge.asn1.Type.OCTETSTRING).pop()!;
  const ci = forge.asn1.fromDer(cms.toString('binary'));
  const sdParts = ((ci.value as forge.asn1.Asn1[])[1]!.value[0] as forge.asn1.Asn1).value as forge.asn1.Asn1[];
  const certs = sdParts.find((p) => p.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && p.type === 0);
  return { signed: ctx(0), signature: Buffer.from(sig.value as string, 'binary'), unsigned: ctx(1), certificates: (certs?.value as unknown[] | undefined)?.length ?? 0 };
}

/** The RFC 3161 token of the signature time-stamp attribute (DER). */
export function timestampTokenOf(cms: Buffer): Buffer {
  const { unsigned } = signerInfoParts(cms);
  const attr = ((unsigned!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[]);
  const token = (attr[1]!.value as forge.asn1.Asn1[])[0]!;
  return Buffer.from(forge.asn1.toDer(token).getBytes(), 'binary');
}

/** A temporary NSS database trusting `caPem` for S/MIME (',C,'), as pdfsig needs. */
export function nssDbTrusting(caPem: string): string {
  const dir = tempDir('sutne-nss-');
  execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  fs.writeFileSync(path.join(dir, 'ca.pem'), caPem);
  execFileSync('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'sutne-test-ca', '-t', ',C,', '-i', path.join(dir, 'ca.pem')]);
  return dir;
}

/** pdfsig's report. It exits 0 even when a signature is invalid, so callers read the text. */
export function pdfsig(pdf: Buffer, nssDir: string): string {
  const dir = tempDir();
  const file = path.join(dir, 'doc.pdf');
  fs.writeFileSync(file, pdf);
  const res = spawnSync('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return `${res.stdout}${res.stderr}`;
}

/** Runs openssl with files written to a temp dir; answers exit status and output. */
export function openssl(args: (dir: string) => string[], files: Record<string, Buffer | string>): { status: number; output: string } {
  const dir = tempDir('sutne-openssl-');
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
  const res = spawnSync('openssl', args(dir), { encoding: 'utf8', cwd: dir });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: res.status ?? -1, output: `${res.stdout}${res.stderr}` };
}

/** `openssl cms -verify` of the signature over exactly the ByteRange bytes. */
export function opensslCmsVerify(pdf: Buffer, caPem: string): { status: number; output: string } {
  const parts = signatureParts(pdf);
  return openssl(
    (d) => ['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${d}/sig.der`, '-content', `${d}/content.bin`, '-CAfile', `${d}/ca.pem`, '-out', `${d}/out.bin`],
    { 'sig.der': parts.cms, 'content.bin': parts.content, 'ca.pem': caPem },
  );
}

/** `openssl ts -verify` of the signature's time-stamp token over the SignatureValue octets. */
export function opensslTsVerify(pdf: Buffer, caPem: string): { status: number; output: string } {
  const { cms } = signatureParts(pdf);
  return openssl(
    (d) => ['ts', '-verify', '-data', `${d}/sigvalue.bin`, '-in', `${d}/token.der`, '-token_in', '-CAfile', `${d}/ca.pem`],
    { 'sigvalue.bin': signerInfoParts(cms).signature, 'token.der': timestampTokenOf(cms), 'ca.pem': caPem },
  );
}

export function devCaPem(dataDir: string): string {
  return fs.readFileSync(path.join(dataDir, 'pki', 'ca.pem'), 'utf8');
}

/** The development PKI's PEM files (key and certificate of each identity), for openssl and P12s. */
export function devPkiPems(dataDir: string): Record<'ca' | 'signer' | 'tsa', { cert: string; key: string }> {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'pki', 'dev-pki.json'), 'utf8')) as Record<'ca' | 'signer' | 'tsa', { cert: string; key: string }>;
}

/** A PKCS#12 made by OpenSSL 3 (AES/PBKDF2, or -legacy) from a key, its certificate and a CA. */
export function makeP12(key: string, cert: string, ca: string, password: string, legacy = false): Buffer {
  const dir = tempDir('sutne-p12-');
  fs.writeFileSync(path.join(dir, 'key.pem'), key);
  fs.writeFileSync(path.join(dir, 'cert.pem'), cert);
  fs.writeFileSync(path.join(dir, 'ca.pem'), ca);
  execFileSync('openssl', [
    'pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-inkey', 'key.pem', '-in', 'cert.pem', '-certfile', 'ca.pem',
    '-passout', `pass:${password}`, '-out', 'out.p12',
  ], { cwd: dir });
  const p12 = fs.readFileSync(path.join(dir, 'out.p12'));
  fs.rmSync(dir, { recursive: true, force: true });
  return p12;
}

/** An OpenSSL RFC 3161 TSA (`openssl ts -reply`) answering one request with the given TSA key. */
export function opensslTimestamp(request: Buffer, tsa: { cert: string; key: string }, ca: string): Buffer {
  const dir = tempDir('sutne-ts-');
  const conf = `[ tsa ]\ndefault_tsa = tsa_config\n[ tsa_config ]\ndir = ${dir}\nserial = $dir/serial\nsigner_cert = $dir/tsa.pem\ncerts = $dir/ca.pem\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\ness_cert_id_alg = sha256\ness_cert_id_chain = no\n`;
  const files: Record<string, string | Buffer> = { 'tsa.cnf': conf, serial: '01\n', 'tsa.pem': tsa.cert, 'tsa.key': tsa.key, 'ca.pem': ca, 'req.tsq': request };
  for (const [n, d] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), d);
  execFileSync('openssl', ['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'req.tsq', '-out', 'resp.tsr'], { cwd: dir, stdio: 'pipe' });
  const resp = fs.readFileSync(path.join(dir, 'resp.tsr'));
  fs.rmSync(dir, { recursive: true, force: true });
  return resp;
}

/**
 * A separate test PKI made by OpenSSL with plain ASCII names: a root CA and a document signer
 * (digitalSignature + nonRepudiation, no EKU), as an institution's vendor would issue.
 */
export function opensslPki(keyType: 'rsa' | 'ec' = 'rsa'): { dir: string; ca: string; cert: string; key: string } {
  const dir = tempDir('sutne-ossl-pki-');
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const newKey = (out: string) =>
    keyType === 'rsa'
      ? run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', out])
      : run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out]);
  fs.writeFileSync(path.join(dir, 'ext.cnf'), [
    '[ca]', 'basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash',
    '[signer]', 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,nonRepudiation',
    'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid', '',
  ].join('\n'));
  newKey('ca.key');
  run(['req', '-new', '-key', 'ca.key', '-subj', '/C=LV/O=Test Trust Services/CN=Test Qualified CA', '-out', 'ca.csr']);
  run(['x509', '-req', '-in', 'ca.csr', '-signkey', 'ca.key', '-days', '3650', '-extfile', 'ext.cnf', '-extensions', 'ca', '-out', 'ca.pem', '-sha256']);
  newKey('signer.key');
  run(['req', '-new', '-key', 'signer.key', '-subj', '/C=LV/O=Daugavkrasta pamatskola/CN=Direktors', '-out', 'signer.csr']);
  run(['x509', '-req', '-in', 'signer.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '730', '-extfile', 'ext.cnf', '-extensions', 'signer', '-out', 'signer.pem', '-sha256']);
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return { dir, ca: read('ca.pem'), cert: read('signer.pem'), key: read('signer.key') };
}

/** A signing service over a fresh development PKI, pdfsig's NSS database trusting its CA, and a letter. */
export interface SigningFixture {
  dataDir: string;
  service: SigningService;
  caPem: string;
  nss: string;
  letter: Buffer;
  close(): Promise<void>;
}

export async function signingFixture(): Promise<SigningFixture> {
  const dataDir = tempDir();
  const service = signingService(dataDir);
  await service.ready();
  const caPem = devCaPem(dataDir);
  const nss = nssDbTrusting(caPem);
  return {
    dataDir, service, caPem, nss, letter: await pdfkitLetter(),
    close: async () => {
      await service.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(nss, { recursive: true, force: true });
    },
  };
}
