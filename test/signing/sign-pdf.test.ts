import crypto from 'node:crypto';
import fs from 'node:fs';
import forge from 'node-forge';
import { systemClock } from '../../src/clock';
import { oid } from '../../src/signing/asn1/oids';
import { loadOrCreateDevPki } from '../../src/signing/keys/dev-pki';
import { LocalKeySigner } from '../../src/signing/keys/local-signer';
import { signPdf } from '../../src/signing/pades/sign-pdf';
import { DevTsaServer } from '../../src/signing/tsp/dev-tsa';
import { HttpTimestampAuthority } from '../../src/signing/tsp/http-tsa';
import { TrustStore } from '../../src/signing/trust';
import type { SigningService } from '../../src/signing';
import {
  attributeOids, opensslCmsVerify, opensslTsVerify, pdfLibDocument, pdfsig,
  signatureParts, signerInfoParts, signingFixture, tempDir, type SigningFixture,
} from './support';

describe('PAdES-B-T signing', () => {
  let dataDir: string;
  let service: SigningService;
  let caPem: string;
  let nss: string;
  let letter: Buffer;

  let fixture: SigningFixture;

  beforeAll(async () => {
    fixture = await signingFixture();
    ({ dataDir, service, caPem, nss, letter } = fixture);
  });
  afterAll(() => fixture.close());

  it('appends an update: the draft stays an unchanged prefix, and the ByteRange leaves out exactly /Contents', async () => {
    const signed = await service.signPdf(letter);
    expect(signed.pdf.subarray(0, letter.length).equals(letter)).toBe(true);
    const text = signed.pdf.toString('latin1');
    expect(text).toMatch(/\/Filter ?\/Adobe\.PPKLite/);
    expect(text).toMatch(/\/SubFilter ?\/ETSI\.CAdES\.detached/);
    expect(text).toMatch(/\/M ?\(D:\d{14}\+00'00'\)/);
    expect(text).toMatch(/\/SigFlags 3/);

    const [start, a, b, c] = signed.byteRange;
    expect(start).toBe(0);
    expect(b + c).toBe(signed.pdf.length);
    expect(signed.pdf[a]).toBe(0x3c); // <
    expect(signed.pdf[b - 1]).toBe(0x3e); // >
    expect(text.slice(a - '/Contents '.length, a)).toBe('/Contents ');
    expect(text.slice(a + 1, b - 1)).toMatch(/^[0-9a-f]+$/);
    expect(signatureParts(signed.pdf).byteRange).toEqual(signed.byteRange);
  });

  it('builds the CMS PAdES baseline asks for: contentType, messageDigest, signingCertificateV2, no signingTime, chain, time-stamp', async () => {
    const signed = await service.signPdf(letter);
    const { cms, content } = signatureParts(signed.pdf);
    const parts = signerInfoParts(cms);
    const signedOids = attributeOids(parts.signed);
    expect(signedOids.sort()).toEqual([oid.contentType, oid.messageDigest, oid.signingCertificateV2].sort());
    expect(signedOids).not.toContain(oid.signingTime);
    expect(attributeOids(parts.unsigned)).toEqual([oid.signatureTimeStampToken]);
    expect(parts.certificates).toBe(2); // signer and its CA

    const attrs = parts.signed!.value as forge.asn1.Asn1[];
    const digestAttr = attrs.find((x) => forge.asn1.derToOid((x.value as forge.asn1.Asn1[])[0]!.value as string) === oid.messageDigest)!;
    const digest = Buffer.from(((digestAttr.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as string, 'binary');
    expect(digest.equals(crypto.createHash('sha256').update(content).digest())).toBe(true);
  });

  it('is accepted by pdfsig (NSS), openssl cms and openssl ts', async () => {
    const signed = await service.signPdf(letter);
    const report = pdfsig(signed.pdf, nss);
    expect(report).toContain('Signature is Valid.');
    expect(report).toContain('Total document signed');
    expect(report).toContain('Certificate is Trusted.');
    expect(report).toContain('ETSI.CAdES.detached');

    const cms = opensslCmsVerify(signed.pdf, caPem);
    expect(cms.output).toContain('Verification successful');
    expect(cms.status).toBe(0);
    const ts = opensslTsVerify(signed.pdf, caPem);
    expect(ts.output).toContain('Verification: OK');
    expect(ts.status).toBe(0);
  });

  it('signs PDFs with cross-reference streams and compressed objects (pdf-lib), as an xref-stream update', async () => {
    const original = await pdfLibDocument();
    expect(original.toString('latin1')).toContain('/ObjStm');
    const signed = await service.signPdf(original);
    const update = signed.pdf.subarray(original.length).toString('latin1');
    expect(update).toMatch(/\/Type ?\/XRef/);
    expect(update).not.toMatch(/\nxref\n/);
    const report = pdfsig(signed.pdf, nss);
    expect(report).toContain('Signature is Valid.');
    expect(report).toContain('Total document signed');
    expect(report).toContain('Certificate is Trusted.');
    expect(opensslCmsVerify(signed.pdf, caPem).status).toBe(0);
    expect((await service.verifyPdf(signed.pdf)).valid).toBe(true);
  });

  it('keeps the text and pages of the document as they were', async () => {
    const signed = await service.signPdf(letter);
    const dir = tempDir();
    fs.writeFileSync(`${dir}/signed.pdf`, signed.pdf);
    const { execFileSync } = await import('node:child_process');
    const info = execFileSync('pdfinfo', [`${dir}/signed.pdf`], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+2/);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', `${dir}/signed.pdf`, '-'], { encoding: 'utf8' });
    expect(text.replace(/\s+/g, ' ')).toContain('Par bērna tiesību aizsardzību');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adds a second signature without breaking the first', async () => {
    const once = await service.signPdf(letter);
    const twice = await service.signPdf(once.pdf);
    expect(twice.fieldName).toBe('Signature2');
    const report = await service.verifyPdf(twice.pdf);
    expect(report.valid).toBe(true);
    expect(report.signatures.map((s) => s.coverage?.wholeFile)).toEqual([false, true]);
    expect(report.signatures[0]!.checks.find((c) => c.name === 'coverage')!.detail).toContain('later revisions only add signatures');
  });

  it('sizes the placeholder from the real chain and token: a longer chain or bigger token never overflows', async () => {
    const pki = await loadOrCreateDevPki(`${dataDir}/pki`);
    const trust = new TrustStore([pki.ca.cert]);
    // A token with several certificates, larger than the size the signer was told to expect.
    const tsaSigner = new LocalKeySigner(pki.tsa.key, [pki.tsa.cert, pki.ca.cert, pki.signer.cert, pki.ca.cert, pki.signer.cert]);
    const server = await DevTsaServer.start(tsaSigner, systemClock);
    try {
      const tsa = new HttpTimestampAuthority(server.url, trust);
      const longChain = new LocalKeySigner(pki.signer.key, [pki.signer.cert, pki.ca.cert, pki.ca.cert, pki.ca.cert]);
      const signed = await signPdf(letter, { signer: longChain, tsa, clock: systemClock, tokenSizeHint: 100 });
      const { cms } = signatureParts(signed.pdf);
      expect(signed.timestamp.der.length).toBeGreaterThan(4000);
      expect(signerInfoParts(cms).certificates).toBe(4);
      const [, a, b] = signed.byteRange;
      expect((b - a - 2) / 2).toBeGreaterThanOrEqual(cms.length);
      expect(opensslCmsVerify(signed.pdf, caPem).status).toBe(0);
      expect(opensslTsVerify(signed.pdf, caPem).status).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('refuses input that is not a PDF, with a clear error', async () => {
    await expect(service.signPdf(Buffer.from('hello, not a pdf'))).rejects.toMatchObject({ code: 'UNPROCESSABLE', message: expect.stringContaining('not a PDF') });
    const cut = letter.subarray(0, letter.length - 200);
    await expect(service.signPdf(cut)).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
  });
});
