import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { SignPdf } from '@signpdf/signpdf';
import { P12Signer } from '@signpdf/signer-p12';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { PdfFile } from '../../src/signing/pdf/pdf-file';
import { prepareSignature } from '../../src/signing/pades/prepare-signature';
import type { SigningService, VerificationReport } from '../../src/signing';
import {
  devPkiPems, makeP12, opensslPki, opensslTimestamp, pdfsig, signatureParts, signerInfoParts,
  signingService, signingFixture, tempDir, type SigningFixture,
} from './support';

const failed = (r: VerificationReport, i = 0) => r.signatures[i]!.checks.filter((c) => !c.ok).map((c) => c.name);

/** Puts a new CMS into the signature's /Contents (same placeholder, zero-padded). */
function replaceCms(pdf: Buffer, cms: Buffer): Buffer {
  const { byteRange } = signatureParts(pdf);
  const [, a, b] = byteRange;
  const out = Buffer.from(pdf);
  const hex = cms.toString('hex').padEnd(b - a - 2, '0');
  if (hex.length > b - a - 2) throw new Error('CMS too large for placeholder');
  out.write(hex, a + 1, 'latin1');
  return out;
}

/** Appends an incremental update by hand (classic xref) that gives object `num` a new body. */
function appendUpdate(pdf: Buffer, num: number, body: string): Buffer {
  const text = pdf.toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  const trailers = [...text.matchAll(/\/Size (\d+)/g)];
  const size = Math.max(num + 1, Number(trailers[trailers.length - 1]![1]));
  const root = [...text.matchAll(/\/Root (\d+ \d+ R)/g)].pop()![1];
  const objAt = pdf.length;
  const obj = `${num} 0 obj\n${body}\nendobj\n`;
  const xrefAt = objAt + obj.length;
  const tail = `xref\n${num} 1\n${String(objAt).padStart(10, '0')} 00000 n\r\ntrailer\n<< /Size ${size} /Root ${root} /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(obj + tail, 'latin1')]);
}

describe('verifying signed PDFs', () => {
  let dataDir: string;
  let service: SigningService;
  let nss: string;
  let letter: Buffer;
  let signed: Buffer;

  let fixture: SigningFixture;

  beforeAll(async () => {
    fixture = await signingFixture();
    ({ dataDir, service, nss, letter } = fixture);
    signed = (await service.signPdf(letter)).pdf;
  });
  afterAll(() => fixture.close());

  it('reports a valid PAdES-B-T signature with every check named and passed', async () => {
    const report = await service.verifyPdf(signed);
    expect(report.valid).toBe(true);
    expect(report.summary).toMatch(/^Valid: /);
    const sig = report.signatures[0]!;
    expect(sig).toMatchObject({
      type: 'signature', signer: 'Sūtne development signer', level: 'PAdES-B-T', subFilter: 'ETSI.CAdES.detached',
      coverage: { wholeFile: true }, timestamp: { tsa: 'Sūtne development TSA' }, valid: true,
    });
    expect(sig.checks.map((c) => c.name)).toEqual(expect.arrayContaining([
      'coverage', 'subFilter', 'digest', 'signature', 'signingCertificate', 'timestamp', 'timestamp.imprint',
      'timestamp.signature', 'timestamp.certificate', 'timestamp.chain', 'certificate', 'chain',
    ]));
    expect(sig.checks.every((c) => c.ok && c.detail.length > 0)).toBe(true);
    expect(Math.abs(Date.parse(sig.timestamp!.genTime) - Date.parse(sig.signedAt!))).toBeLessThan(5000);
  });

  it('detects one changed byte in a signed range (and pdfsig agrees)', async () => {
    const tampered = Buffer.from(signed);
    const at = letter.indexOf('stream\n', 1000, 'latin1') + 20;
    tampered[at] = tampered[at]! ^ 0x01;
    const report = await service.verifyPdf(tampered);
    expect(report.valid).toBe(false);
    expect(failed(report)).toEqual(['digest']);
    expect(pdfsig(tampered, nss)).toContain('Digest Mismatch.');
  });

  it('detects a removed time-stamp', async () => {
    const { cms } = signatureParts(signed);
    const ci = forge.asn1.fromDer(cms.toString('binary'));
    const sd = (ci.value[1] as forge.asn1.Asn1).value[0] as forge.asn1.Asn1;
    const si = ((sd.value as forge.asn1.Asn1[]).at(-1)!.value as forge.asn1.Asn1[])[0]!;
    (si.value as forge.asn1.Asn1[]).pop(); // unsignedAttrs
    const stripped = replaceCms(signed, Buffer.from(forge.asn1.toDer(ci).getBytes(), 'binary'));
    const report = await service.verifyPdf(stripped);
    expect(report.valid).toBe(false);
    expect(failed(report)).toEqual(['timestamp']);
    expect(report.signatures[0]!.level).toBe('PAdES-B-B');
    // The CMS signature itself is still intact: an independent validator would call it valid.
    expect(pdfsig(stripped, nss)).toContain('Signature is Valid.');
  });

  it('detects an altered time-stamp', async () => {
    const { cms } = signatureParts(signed);
    const imprint = crypto.createHash('sha256').update(signerInfoParts(cms).signature).digest();
    const at = cms.indexOf(imprint);
    expect(at).toBeGreaterThan(0);
    const altered = Buffer.from(cms);
    altered[at] = altered[at]! ^ 0xff;
    const report = await service.verifyPdf(replaceCms(signed, altered));
    expect(report.valid).toBe(false);
    expect(failed(report)).toEqual(expect.arrayContaining(['timestamp.imprint', 'timestamp.signature']));
    expect(failed(report)).not.toContain('signature');
  });

  it('detects an update appended after signing that changes the document', async () => {
    const text = signed.toString('latin1');
    const infoNum = Number(/\/Info (\d+) 0 R/.exec(text)![1]);
    const changed = appendUpdate(signed, infoNum, '<< /Title (Citur mainīts) /Producer (someone else) >>');
    const report = await service.verifyPdf(changed);
    expect(report.valid).toBe(false);
    const sig = report.signatures[0]!;
    expect(sig.coverage).toMatchObject({ wholeFile: false, revision: 2, revisions: 3 });
    expect(failed(report)).toEqual(['coverage']);
    expect(sig.checks.find((c) => c.name === 'coverage')!.detail).toContain(`object ${infoNum}`);
    expect(pdfsig(changed, nss)).toContain('Not total document signed');
  });

  it('reports coverage short of the whole file even for an update that changes nothing signed', async () => {
    const text = signed.toString('latin1');
    const size = Number([...text.matchAll(/\/Size (\d+)/g)].pop()![1]);
    const appended = appendUpdate(signed, size, '<< /Note (unreferenced) >>');
    const report = await service.verifyPdf(appended);
    const sig = report.signatures[0]!;
    expect(sig.coverage!.wholeFile).toBe(false);
    expect(sig.checks.find((c) => c.name === 'coverage')).toMatchObject({ ok: true, detail: expect.stringContaining('revision 2 of 3') });
  });

  it('does not trust a signature from another installation\'s development CA', async () => {
    const otherDir = tempDir();
    const other = signingService(otherDir);
    try {
      const report = await other.verifyPdf(signed);
      expect(report.valid).toBe(false);
      expect(failed(report)).toEqual(expect.arrayContaining(['chain', 'timestamp.chain']));
      expect(failed(report)).not.toContain('digest');
    } finally {
      await other.close();
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('verifies a PDF signed by @signpdf (adbe.pkcs7.detached) under a CA from TRUST_ANCHORS: intact and trusted, but without a time-stamp', async () => {
    const pki = opensslPki();
    const p12 = makeP12(pki.key, pki.cert, pki.ca, 'parole');
    const withPlaceholder = plainAddPlaceholder({ pdfBuffer: letter, reason: 'test', contactInfo: 'x@example.lv', name: 'x', location: 'Riga', signatureLength: 8192 });
    const bySignpdf = await new SignPdf().sign(withPlaceholder, new P12Signer(p12, { passphrase: 'parole' }));
    const anchors = path.join(pki.dir, 'ca.pem');
    const verifier = signingService(dataDir, { trustAnchors: anchors });
    try {
      const report = await verifier.verifyPdf(bySignpdf);
      const sig = report.signatures[0]!;
      expect(sig).toMatchObject({ signer: 'Direktors', subFilter: 'adbe.pkcs7.detached', level: 'CMS', timestamp: null });
      for (const name of ['coverage', 'subFilter', 'digest', 'signature', 'chain', 'certificate']) {
        expect(sig.checks.find((c) => c.name === name)).toMatchObject({ ok: true });
      }
      expect(report.valid).toBe(false);
      expect(failed(report)).toEqual(['timestamp']);
      // Without the anchor, the same signature does not chain to anything trusted.
      expect(failed(await service.verifyPdf(bySignpdf))).toEqual(expect.arrayContaining(['chain']));
    } finally {
      await verifier.close();
      fs.rmSync(pki.dir, { recursive: true, force: true });
    }
  });

  it('verifies a PDF signed by openssl cms and time-stamped by openssl ts as valid', async () => {
    const pems = devPkiPems(dataDir);
    const prepared = prepareSignature(PdfFile.parse(letter), { contentsBytes: 12000, signingTime: new Date() });
    const pdf = Buffer.from(prepared.pdf.toString('latin1').replace('/ETSI.CAdES.detached', '/adbe.pkcs7.detached'), 'latin1');
    const [, a, b, c] = prepared.byteRange;
    const dir = tempDir();
    const w = (n: string, d: Buffer | string) => fs.writeFileSync(path.join(dir, n), d);
    w('content.bin', Buffer.concat([pdf.subarray(0, a), pdf.subarray(b, b + c)]));
    w('cert.pem', pems.signer.cert);
    w('key.pem', pems.signer.key);
    w('ca.pem', pems.ca.cert);
    execFileSync('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-in', 'content.bin', '-signer', 'cert.pem', '-inkey', 'key.pem', '-certfile', 'ca.pem', '-outform', 'DER', '-out', 'sig.der'], { cwd: dir, stdio: 'pipe' });
    const cms = fs.readFileSync(path.join(dir, 'sig.der'));
    const signature = signerInfoParts(Buffer.from(forge.asn1.toDer(forge.asn1.fromDer(cms.toString('binary'))).getBytes(), 'binary')).signature;
    execFileSync('openssl', ['ts', '-query', '-digest', crypto.createHash('sha256').update(signature).digest('hex'), '-sha256', '-cert', '-out', 'req.tsq'], { cwd: dir, stdio: 'pipe' });
    const response = opensslTimestamp(fs.readFileSync(path.join(dir, 'req.tsq')), pems.tsa, pems.ca.cert);
    fs.rmSync(dir, { recursive: true, force: true });

    // Add the token as the unsigned signatureTimeStampToken attribute (openssl cms cannot).
    const token = (forge.asn1.fromDer(response.toString('binary')).value as forge.asn1.Asn1[])[1]!;
    const ci = forge.asn1.fromDer(cms.toString('binary'));
    const sd = (ci.value[1] as forge.asn1.Asn1).value[0] as forge.asn1.Asn1;
    const si = ((sd.value as forge.asn1.Asn1[]).at(-1)!.value as forge.asn1.Asn1[])[0]!;
    const { asn1 } = forge;
    (si.value as forge.asn1.Asn1[]).push(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 1, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.840.113549.1.9.16.2.14').getBytes()),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [token]),
      ]),
    ]));
    const full = Buffer.from(asn1.toDer(ci).getBytes(), 'binary');
    const signedElsewhere = Buffer.from(pdf);
    signedElsewhere.write(full.toString('hex'), a + 1, 'latin1');

    expect(pdfsig(signedElsewhere, nss)).toContain('Signature is Valid.');
    const report = await service.verifyPdf(signedElsewhere);
    expect(report.signatures[0]!.checks.filter((x) => !x.ok)).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.signatures[0]!.level).toBe('CMS with time-stamp');
  });

  it('reports a signature whose /Contents is not a CMS as invalid, without failing the whole report', async () => {
    const report = await service.verifyPdf(replaceCms(signed, Buffer.from('3082ffff0102030405', 'hex')));
    expect(report.valid).toBe(false);
    expect(report.signatures[0]!.checks.find((c) => c.name === 'signature')).toMatchObject({ ok: false, detail: expect.stringContaining('cannot be read') });
  });

  it('answers an unsigned PDF as not valid, and unreadable bytes as unprocessable', async () => {
    const report = await service.verifyPdf(letter);
    expect(report).toMatchObject({ valid: false, signatures: [], summary: expect.stringContaining('no signatures') });
    await expect(service.verifyPdf(Buffer.from('%PDF-1.7\nnothing else'))).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
  });
});
