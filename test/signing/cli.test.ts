import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli';
import { devCaPem, nssDbTrusting, pdfkitLetter, pdfsig, tempDir } from './support';

const run = runCli;

describe('sutne sign and sutne verify', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = tempDir();
    env = { DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' };
    fs.writeFileSync(path.join(dir, 'letter.pdf'), await pdfkitLetter());
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('signs a PDF that pdfsig accepts, and verifies it (exit 0, text and JSON)', async () => {
    const signed = await run(['sign', 'letter.pdf', '--out', 'signed.pdf', '--reason', 'Nosūtīšanai'], env, dir);
    expect(signed).toMatchObject({ code: 0, stdout: expect.stringContaining('Signed by "Sūtne development signer"') });
    const pdf = fs.readFileSync(path.join(dir, 'signed.pdf'));
    const nss = nssDbTrusting(devCaPem(env.DATA_DIR!));
    expect(pdfsig(pdf, nss)).toContain('Certificate is Trusted.');
    fs.rmSync(nss, { recursive: true, force: true });

    const text = await run(['verify', 'signed.pdf'], env, dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('signed.pdf: Valid');
    expect(text.stdout).toMatch(/ok\s+timestamp\.chain/);
    const json = await run(['verify', 'signed.pdf', '--json'], env, dir);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, signatures: [{ level: 'PAdES-B-T' }] });
  });

  it('signs PAdES B-LT with --ltv, which verifies with the revocation data', async () => {
    expect((await run(['sign', 'letter.pdf', '--out', 'ltv.pdf', '--ltv'], env, dir)).code).toBe(0);
    const res = await run(['verify', 'ltv.pdf'], env, dir);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('PAdES-B-LT, valid');
    expect(res.stdout).toMatch(/ok\s+revocation/);
  });

  it('exits 1 for a PDF that is not validly signed, naming the failed check', async () => {
    const pdf = fs.readFileSync(path.join(dir, 'signed.pdf'));
    pdf[300] = pdf[300]! ^ 0x01;
    fs.writeFileSync(path.join(dir, 'tampered.pdf'), pdf);
    const res = await run(['verify', 'tampered.pdf'], env, dir);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL\s+digest/);
    expect((await run(['verify', 'letter.pdf'], env, dir)).code).toBe(1);
  });

  it('exits 2 for unusable input: a missing file or bytes that are not a PDF', async () => {
    const missing = await run(['verify', 'nowhere.pdf'], env, dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read nowhere.pdf');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a pdf');
    expect((await run(['verify', 'notes.txt'], env, dir)).code).toBe(2);
    const sign = await run(['sign', 'notes.txt', '--out', 'x.pdf'], env, dir);
    expect(sign.code).toBe(2);
    expect(sign.stderr).toContain('not a PDF');
    expect(fs.existsSync(path.join(dir, 'x.pdf'))).toBe(false);
  });
});
