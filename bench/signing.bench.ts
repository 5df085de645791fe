/**
 * Signing one letter as PAdES-B-T, beside `openssl cms -sign` over the same bytes and
 * @signpdf/signpdf with its P12 signer, in the same run. The time spent waiting for the embedded
 * TSA (an HTTP round trip on loopback, the TSA's own RSA signature) is measured inside the same
 * calls and reported apart, so "without the TSA round trip" is the rest of the same work.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import { systemClock } from '../src/clock';
import { loadOrCreateDevPki } from '../src/signing/keys/dev-pki';
import { LocalKeySigner } from '../src/signing/keys/local-signer';
import { signPdf } from '../src/signing/pades/sign-pdf';
import type { TimestampAuthority } from '../src/signing/signer';
import { TrustStore } from '../src/signing/trust';
import { DevTsaServer } from '../src/signing/tsp/dev-tsa';
import { HttpTimestampAuthority } from '../src/signing/tsp/http-tsa';
import { medianMs, report } from './report';

function letter(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ pdfVersion: '1.7', subset: 'PDF/A-2b', font: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf') });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    for (let i = 0; i < 40; i++) doc.text('Par bērna tiesību aizsardzību: skola informē sociālo dienestu par situāciju un veiktajiem pasākumiem.');
    doc.end();
  });
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-bench-sign-'));
  const pki = await loadOrCreateDevPki(path.join(dir, 'pki'));
  const server = await DevTsaServer.start(new LocalKeySigner(pki.tsa.key, [pki.tsa.cert, pki.ca.cert]), systemClock);
  try {
    const pdf = await letter();
    const signer = new LocalKeySigner(pki.signer.key, [pki.signer.cert, pki.ca.cert]);
    const http = new HttpTimestampAuthority(server.url, new TrustStore([pki.ca.cert]));
    let tsaMs = 0;
    const timed: TimestampAuthority = {
      name: http.name,
      async timestamp(digest, alg) {
        const t = process.hrtime.bigint();
        try {
          return await http.timestamp(digest, alg);
        } finally {
          tsaMs += Number(process.hrtime.bigint() - t) / 1e6;
        }
      },
    };
    const runs = 100;
    const tokenSizeHint = (await signPdf(pdf, { signer, tsa: http, clock: systemClock })).timestamp.der.length + 256;

    // Sūtne: total per letter, and the TSA's share of the same calls.
    for (let i = 0; i < 10; i++) await signPdf(pdf, { signer, tsa: timed, clock: systemClock, tokenSizeHint });
    const totals: number[] = [];
    const withoutTsa: number[] = [];
    for (let i = 0; i < runs; i++) {
      tsaMs = 0;
      const t = process.hrtime.bigint();
      await signPdf(pdf, { signer, tsa: timed, clock: systemClock, tokenSizeHint });
      const total = Number(process.hrtime.bigint() - t) / 1e6;
      totals.push(total);
      withoutTsa.push(total - tsaMs);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

    // The same pipeline with a token already in hand (no TSA, no I/O, no event-loop wait): the
    // placeholder, digest, signed attributes, RSA, CMS assembly and the write into the PDF.
    const token = await http.timestamp(crypto.createHash('sha256').digest(), 'sha256');
    const inHand: TimestampAuthority = { name: 'in hand', timestamp: () => Promise.resolve(token) };
    const pipelineMs = await medianMs(() => signPdf(pdf, { signer, tsa: inHand, clock: systemClock, tokenSizeHint }), runs, 10);

    // @signpdf/signpdf 3.3 with its P12 signer (placeholder-plain), same key, same letter.
    const p12 = makeP12(dir, pki.signer.key.export({ type: 'pkcs8', format: 'pem' }) as string, pki.signer.cert.pem, pki.ca.cert.pem);
    const signpdf = new SignPdf();
    const signpdfMs = await medianMs(async () => {
      const withPlaceholder = plainAddPlaceholder({ pdfBuffer: pdf, reason: 'bench', contactInfo: 'bench@example.lv', name: 'bench', location: 'Riga', signatureLength: 8192 });
      // A P12Signer reads its buffer once (it consumes it), so each letter needs its own.
      await signpdf.sign(withPlaceholder, new P12Signer(p12, { passphrase: 'bench' }));
    }, 30, 3);

    // openssl cms -sign over the same bytes (a process per letter, as a shell-out would do).
    fs.writeFileSync(path.join(dir, 'content.bin'), pdf);
    fs.writeFileSync(path.join(dir, 'signer.pem'), pki.signer.cert.pem);
    fs.writeFileSync(path.join(dir, 'signer.key'), pki.signer.key.export({ type: 'pkcs8', format: 'pem' }));
    const opensslMs = await medianMs(() => {
      execFileSync('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-in', 'content.bin', '-signer', 'signer.pem', '-inkey', 'signer.key', '-outform', 'DER', '-out', 'sig.der'], { cwd: dir });
    }, 30, 3);

    // The RSA operation alone, for scale.
    const rsaMs = await medianMs(() => crypto.sign('sha256', pdf.subarray(0, 100), pki.signer.key), 200, 20);

    report({ name: 'sign PAdES-B-T per letter incl. embedded TSA round trip, median', value: median(totals), unit: 'ms', baseline: signpdfMs });
    report({ name: 'sign PAdES-B-T per letter without the TSA round trip, median (baseline: @signpdf/signpdf P12, no time-stamp)', value: median(withoutTsa), unit: 'ms', baseline: signpdfMs });
    report({ name: 'sign PAdES-B-T per letter without the TSA round trip, median (baseline: openssl cms -sign process)', value: median(withoutTsa), unit: 'ms', baseline: opensslMs });
    report({ name: 'sign PAdES-B-T per letter with the token in hand (pipeline alone), median (baseline: @signpdf/signpdf P12)', value: pipelineMs, unit: 'ms', baseline: signpdfMs });
    report({ name: 'embedded TSA round trip (HTTP + token + checks), median', value: median(totals) - median(withoutTsa), unit: 'ms' });
    report({ name: 'RSA-2048 signature in node:crypto, median', value: rsaMs, unit: 'ms' });
    report({ name: 'letter size', value: pdf.length / 1024, unit: 'KiB' });
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function makeP12(dir: string, key: string, cert: string, ca: string): Buffer {
  fs.writeFileSync(path.join(dir, 'k.pem'), key);
  fs.writeFileSync(path.join(dir, 'c.pem'), cert);
  fs.writeFileSync(path.join(dir, 'ca.pem'), ca);
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-certfile', 'ca.pem', '-passout', 'pass:bench', '-out', 'b.p12'], { cwd: dir });
  return fs.readFileSync(path.join(dir, 'b.p12'));
}

void main();
