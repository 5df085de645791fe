import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadOrCreateDevPki } from '../../src/signing/keys/dev-pki';
import { readP12 } from '../../src/signing/keys/p12';
import {
  makeP12, nssDbTrusting, opensslCmsVerify, opensslPki, opensslTsVerify, pdfkitLetter, pdfsig, signingService, tempDir, devCaPem,
} from './support';

const root = path.join(__dirname, '..', '..');

function runNode(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
  });
}

describe('signing keys', () => {
  it('generates the development PKI once, with the certificate profiles validators need, and reloads it', async () => {
    const dir = tempDir();
    try {
      const first = await loadOrCreateDevPki(path.join(dir, 'pki'));
      const again = await loadOrCreateDevPki(path.join(dir, 'pki'));
      expect(again.ca.cert.equals(first.ca.cert)).toBe(true);
      expect(again.signer.cert.equals(first.signer.cert)).toBe(true);
      expect(fs.statSync(path.join(dir, 'pki', 'dev-pki.json')).mode & 0o077).toBe(0);

      const text = (pem: string) => execFileSync('openssl', ['x509', '-noout', '-text'], { input: pem, encoding: 'utf8' });
      const ca = text(first.ca.cert.pem);
      expect(ca).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
      const signer = text(first.signer.cert.pem);
      expect(signer).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
      expect(signer).not.toContain('Extended Key Usage');
      const tsa = text(first.tsa.cert.pem);
      expect(tsa).toMatch(/Extended Key Usage: critical\s+Time Stamping/);
      for (const cert of [first.signer.cert, first.tsa.cert]) {
        expect(execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'pki', 'ca.pem')], { input: cert.pem, encoding: 'utf8' })).toContain('OK');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two processes starting at once on an empty directory end up with one and the same PKI', async () => {
    const dir = tempDir();
    try {
      const script = path.join(dir, 'load.ts');
      fs.writeFileSync(script, `import { loadOrCreateDevPki } from ${JSON.stringify(path.join(root, 'src/signing/keys/dev-pki'))};\n` +
        `loadOrCreateDevPki(${JSON.stringify(path.join(dir, 'pki'))}).then((p) => console.log(p.ca.cert.sha256.toString('hex') + ' ' + p.signer.cert.sha256.toString('hex')));\n`);
      const [a, b] = await Promise.all([runNode(script), runNode(script)]);
      expect(a).toBe(b);
      const onDisk = await loadOrCreateDevPki(path.join(dir, 'pki'));
      expect(a).toBe(`${onDisk.ca.cert.sha256.toString('hex')} ${onDisk.signer.cert.sha256.toString('hex')}`);
      expect(fs.readdirSync(path.join(dir, 'pki')).sort()).toEqual(['ca.pem', 'dev-pki.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads PKCS#12 files from OpenSSL 3 (default and -legacy), and says when the password is wrong', () => {
    const pki = opensslPki();
    try {
      for (const legacy of [false, true]) {
        const p12 = readP12(makeP12(pki.key, pki.cert, pki.ca, 'slepens', legacy), 'slepens');
        expect(p12.chain.map((c) => c.displayName)).toEqual(['Direktors', 'Test Qualified CA']);
        expect(p12.privateKey.asymmetricKeyType).toBe('rsa');
      }
      expect(() => readP12(makeP12(pki.key, pki.cert, pki.ca, 'slepens'), 'nepareizi')).toThrow(/SIGNING_P12_PASSWORD/);
      expect(() => readP12(Buffer.from('not a p12'), 'x')).toThrow(/not a readable PKCS#12/);
    } finally {
      fs.rmSync(pki.dir, { recursive: true, force: true });
    }
  });

  it.each(['rsa', 'ec'] as const)('signs with an institution\'s %s P12 (SIGNING_P12), trusted through its own root', async (keyType) => {
    const pki = opensslPki(keyType);
    const dataDir = tempDir();
    const p12Path = path.join(pki.dir, 'seal.p12');
    fs.writeFileSync(p12Path, makeP12(pki.key, pki.cert, pki.ca, 'slepens'));
    const service = signingService(dataDir, { signingP12: p12Path, signingP12Password: 'slepens' });
    const nss = nssDbTrusting(pki.ca);
    try {
      expect(await service.ready()).toMatchObject({ signer: 'Direktors', development: true });
      const signed = await service.signPdf(await pdfkitLetter());
      expect(signed.signer).toBe('Direktors');
      const report = await service.verifyPdf(signed.pdf);
      expect(report.signatures[0]!.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.valid).toBe(true);
      const out = pdfsig(signed.pdf, nss);
      expect(out).toContain('Signature is Valid.');
      expect(out).toContain('Certificate is Trusted.');
      expect(opensslCmsVerify(signed.pdf, pki.ca).status).toBe(0);
      // The time-stamp still comes from the development TSA (no TSA_URL here).
      expect(opensslTsVerify(signed.pdf, devCaPem(dataDir)).status).toBe(0);
    } finally {
      await service.close();
      for (const d of [pki.dir, dataDir, nss]) fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('a wrong SIGNING_P12_PASSWORD makes the signer not ready, with the reason', async () => {
    const pki = opensslPki();
    const dataDir = tempDir();
    const p12Path = path.join(pki.dir, 'seal.p12');
    fs.writeFileSync(p12Path, makeP12(pki.key, pki.cert, pki.ca, 'slepens'));
    const service = signingService(dataDir, { signingP12: p12Path, signingP12Password: 'cits' });
    try {
      await expect(service.ready()).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', message: expect.stringContaining('SIGNING_P12_PASSWORD') });
    } finally {
      await service.close();
      for (const d of [pki.dir, dataDir]) fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
