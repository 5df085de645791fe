import path from 'node:path';
import { issueDevCrl } from '../../src/signing/keys/dev-crl';
import { loadOrCreateDevPki } from '../../src/signing/keys/dev-pki';
import { addValidationData } from '../../src/signing/pades/add-validation-data';
import { PdfFile } from '../../src/signing/pdf/pdf-file';
import { openssl, pdfsig, signingFixture, type SigningFixture } from './support';

describe('PAdES B-LT: validation data in a DSS', () => {
  let f: SigningFixture;
  beforeAll(async () => {
    f = await signingFixture();
  });
  afterAll(() => f.close());

  it('appends the chain and the development CA\'s CRL after the signature; the signature stays valid', async () => {
    const signed = await f.service.signPdf(f.letter, { ltv: true });
    const text = signed.pdf.toString('latin1');
    expect(text).toMatch(/\/Type ?\/DSS/);
    const report = await f.service.verifyPdf(signed.pdf);
    const sig = report.signatures[0]!;
    expect(sig.level).toBe('PAdES-B-LT');
    expect(sig.coverage).toMatchObject({ wholeFile: false, revision: 2, revisions: 3 });
    expect(sig.checks.find((c) => c.name === 'revocation')).toMatchObject({ ok: true, detail: expect.stringContaining('not revoked') });
    expect(sig.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.valid).toBe(true);
    const out = pdfsig(signed.pdf, f.nss);
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Certificate is Trusted.');
  });

  it('reports a signer certificate the CRL lists as revoked before the time-stamp', async () => {
    const signed = await f.service.signPdf(f.letter);
    const pki = await loadOrCreateDevPki(path.join(f.dataDir, 'pki'));
    const crl = issueDevCrl(pki.ca, { now: new Date(), revokedSerials: [pki.signer.cert.serialHex], revokedAt: new Date(Date.now() - 60_000) });
    // The CRL itself is well formed and signed by the CA, as OpenSSL reads it.
    const checked = openssl((d) => ['crl', '-inform', 'DER', '-in', `${d}/c.crl`, '-CAfile', `${d}/ca.pem`, '-noout', '-text'], { 'c.crl': crl, 'ca.pem': pki.ca.cert.pem });
    expect(checked.output).toContain('verify OK');
    expect(checked.output).toContain(`Serial Number: ${pki.signer.cert.serialHex.toUpperCase()}`);
    const withDss = addValidationData(PdfFile.parse(signed.pdf), { certs: [pki.signer.cert.der, pki.ca.cert.der], crls: [crl] });
    const report = await f.service.verifyPdf(withDss);
    expect(report.valid).toBe(false);
    expect(report.signatures[0]!.checks.find((c) => c.name === 'revocation')).toMatchObject({ ok: false, detail: expect.stringContaining('revoked') });
    const noCrl = addValidationData(PdfFile.parse(signed.pdf), { certs: [pki.signer.cert.der], crls: [] });
    expect((await f.service.verifyPdf(noCrl)).signatures[0]!.checks.find((c) => c.name === 'revocation')).toMatchObject({ ok: false });
  });
});
