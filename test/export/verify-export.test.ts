import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import { runCli as run } from '../support/cli';
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../../src/export';
import { startTestService, type TestService } from '../support/service';
import { rezip, tempFile, unzipAll } from './support/archive';
import { insertFixtureLetter, sha256, type FixtureLetter } from './support/fixtures';
import { signedPdf } from './support/signed-pdf';


describe('sutne export and sutne export verify (offline)', () => {
  let svc: TestService;
  let school: string;
  let env: Record<string, string>;
  let cwd: string;
  let archive: string;
  const letters: FixtureLetter[] = [];

  beforeAll(async () => {
    svc = await startTestService('sqlite');
    school = await svc.addInstitution();
    env = { DATA_DIR: svc.db.dataDir, LOG_LEVEL: 'silent' };
    cwd = path.dirname(tempFile('x'));
    for (let i = 0; i < 3; i++) {
      letters.push(await insertFixtureLetter(svc.deps, {
        institutionId: school, createdAt: `2026-03-0${i + 2}T09:00:00.000Z`, pdf: await signedPdf(svc.deps, `Vēstule nr. ${i + 1}`),
        materials: [{ filename: `ziņojums-${i}.pdf`, content: Buffer.from(`darba materiāls ${i}`) }],
      }));
    }
    const made = await run(['export', '--out', 'arhīvs.zip'], env, cwd);
    expect(made).toMatchObject({ code: 0, stderr: expect.stringContaining('Exported 3 letters') });
    archive = path.join(cwd, 'arhīvs.zip');
    expect(made.stdout).toBe(`${sha256(fs.readFileSync(archive))}  arhīvs.zip\n`);
    expect(fs.readdirSync(cwd).filter((f) => f.includes('.partial'))).toEqual([]);
  });
  afterAll(() => svc.close());

  const verify = (file: string) => run(['export', 'verify', file], env, cwd);
  const files = () => unzipAll(archive);
  const folder = (i: number) => `letters/${letters[i]!.registrationNumber.replace(/\//g, '_')}/`;

  it('finds an untouched export intact: hashes, signatures, time-stamps, the audit chain', async () => {
    const res = await verify('arhīvs.zip');
    expect(res.stdout).toContain('3 letters');
    expect(res.stdout).toContain('3 signed PDFs checked');
    expect(res.stdout).toMatch(/audit chain: \d+ entries, 1 time-stamps \(1 verified\)/);
    expect(res.stdout.trim().split('\n').pop()).toBe('INTACT');
    expect(res.code).toBe(0);
    const json = JSON.parse((await run(['export', 'verify', 'arhīvs.zip', '--json'], env, cwd)).stdout);
    expect(json).toMatchObject({ intact: true, institutionId: school, letters: 3, signaturesChecked: 3, problems: [] });
  });

  it('names a file altered, removed or added', async () => {
    const altered = await verify(await rezip(archive, { [`${folder(0)}materials/01-ziņojums-0.pdf`]: Buffer.from('cits saturs') }));
    expect(altered.code).toBe(1);
    expect(altered.stdout).toMatch(/FAIL \[hash\] letters\/.*ziņojums-0\.pdf: SHA-256 .* \(altered\)/);

    const removed = await verify(await rezip(archive, { [`${folder(1)}message.eml`]: undefined }));
    expect(removed.code).toBe(1);
    expect(removed.stdout).toContain(`${folder(1)}message.eml: is in the manifest but not in the archive (removed)`);

    const added = await verify(await rezip(archive, { [`${folder(2)}materials/99-jauns.pdf`]: Buffer.from('x') }));
    expect(added.code).toBe(1);
    expect(added.stdout).toContain('99-jauns.pdf: is in the archive but not in the manifest (added)');
  });

  /**
   * A careful forger: replaces files in a letter's folder and rewrites its letter.json and
   * manifest.json so that every hash they list matches, leaving only the audit chain to notice.
   */
  async function forge(from: string, dir: string, replace: Record<string, Buffer>, editMeta: (meta: LetterJson) => void = () => undefined): Promise<string> {
    const all = await unzipAll(from);
    const manifest = JSON.parse(all.get('manifest.json')!.toString()) as Manifest;
    const metaPath = `${dir}letter.json`;
    const meta = JSON.parse(all.get(metaPath)!.toString()) as LetterJson;
    for (const f of [meta.files.pdf, meta.files.message, ...meta.files.materials]) {
      const bytes = f?.path ? replace[f.path] : undefined;
      if (f && bytes) f.sha256 = sha256(bytes);
    }
    editMeta(meta);
    const changes: Record<string, Buffer> = { ...replace, [metaPath]: Buffer.from(JSON.stringify(meta)) };
    for (const f of manifest.files) {
      const bytes = changes[f.path];
      if (bytes) Object.assign(f, { sha256: sha256(bytes), size: bytes.length });
    }
    return rezip(from, { ...changes, 'manifest.json': Buffer.from(JSON.stringify(manifest)) });
  }
  type LetterJson = {
    files: {
      pdf: { path: string; sha256: string } | null;
      message: { path: string; sha256: string; messageId: string | null } | null;
      materials: Array<{ path: string | null; sha256: string }>;
    };
  };
  /** The number of the chain entry recording `action` about `objectId`, as the archive holds it. */
  async function entryOf(from: string, action: string, objectId: string): Promise<number> {
    const lines = (await unzipAll(from)).get('audit/chain.jsonl')!.toString().trim().split('\n').map((l) => JSON.parse(l));
    const found = lines.filter((e) => e.action === action && e.objectId === objectId);
    expect(found).toHaveLength(1);
    return found[0].n as number;
  }
  const problemLine = (i: number, what: string, n: number, action: string) =>
    `FAIL [audit] audit/chain.jsonl: letter ${letters[i]!.registrationNumber}: ${what} differs from what entry ${n} (${action}) recorded when it was made`;

  it('catches a forger who rewrites the manifests to match: the recorded hashes and the chain still differ', async () => {
    const res = await verify(await forge(archive, folder(0), { [`${folder(0)}materials/01-ziņojums-0.pdf`]: Buffer.from('viltots') }));
    expect(res.code).toBe(1);
    const n = await entryOf(archive, 'attachment.uploaded', letters[0]!.attachmentIds[0]!);
    expect(res.stdout).toContain(problemLine(0, `material ${letters[0]!.attachmentIds[0]}`, n, 'attachment.uploaded'));
  });

  it('catches a signed PDF swapped for another validly signed letter, naming the letter.signed entry', async () => {
    const other = (await files()).get(`${folder(1)}letter.pdf`)!;
    const res = await verify(await forge(archive, folder(0), { [`${folder(0)}letter.pdf`]: other }));
    expect(res.code).toBe(1);
    // The swapped PDF's own signature is valid: only the hash the chain recorded at signing shows the swap.
    expect(res.stdout).not.toContain('[signature]');
    expect(res.stdout).toContain(problemLine(0, 'the signed PDF', await entryOf(archive, 'letter.signed', letters[0]!.id), 'letter.signed'));
  });

  it('catches a sent message swapped, naming the letter.queued and letter.sent entries, and a rewritten Message-ID', async () => {
    const other = (await files()).get(`${folder(2)}message.eml`)!;
    const swapped = await verify(await forge(archive, folder(1), { [`${folder(1)}message.eml`]: other }));
    expect(swapped.code).toBe(1);
    expect(swapped.stdout).toContain(problemLine(1, 'the queued message', await entryOf(archive, 'letter.queued', letters[1]!.id), 'letter.queued'));
    expect(swapped.stdout).toContain(problemLine(1, 'the sent message', await entryOf(archive, 'letter.sent', letters[1]!.id), 'letter.sent'));

    const renamed = await verify(await forge(archive, folder(1), {}, (meta) => (meta.files.message!.messageId = '<cits@example.lv>')));
    expect(renamed.code).toBe(1);
    expect(renamed.stdout).toContain(problemLine(1, "the sent message's Message-ID", await entryOf(archive, 'letter.sent', letters[1]!.id), 'letter.sent'));
  });

  it('refuses a PDF whose signed bytes were changed', async () => {
    const pdf = (await files()).get(`${folder(1)}letter.pdf`)!;
    const tampered = Buffer.from(pdf);
    const at = tampered.indexOf('Vēstule') >= 0 ? tampered.indexOf('Vēstule') : 200;
    tampered[at] = tampered[at]! ^ 0x01;
    const all = await files();
    const manifest = JSON.parse(all.get('manifest.json')!.toString()) as Manifest;
    for (const f of manifest.files) if (f.path === `${folder(1)}letter.pdf`) f.sha256 = sha256(tampered);
    const res = await verify(await rezip(archive, { [`${folder(1)}letter.pdf`]: tampered, 'manifest.json': Buffer.from(JSON.stringify(manifest)) }));
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL \[signature\] letters\/.*letter\.pdf: /);
  });

  it('names the first rewritten audit entry, and a token that is not the TSA\'s', async () => {
    const all = await files();
    const lines = all.get('audit/chain.jsonl')!.toString().trim().split('\n');
    const entry = JSON.parse(lines[2]!);
    entry.actor = 'key:someone-else';
    lines[2] = JSON.stringify(entry);
    const chain = Buffer.from(`${lines.join('\n')}\n`);
    const manifest = JSON.parse(all.get('manifest.json')!.toString()) as Manifest;
    for (const f of manifest.files) if (f.path === 'audit/chain.jsonl') Object.assign(f, { sha256: sha256(chain), size: chain.length });
    const res = await verify(await rezip(archive, { 'audit/chain.jsonl': chain, 'manifest.json': Buffer.from(JSON.stringify(manifest)) }));
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`FAIL [audit] audit/chain.jsonl: entry ${entry.n}: content altered after it was written`);

    const anchors = JSON.parse(all.get('audit/anchors.json')!.toString());
    const token = Buffer.from(anchors[0].token, 'base64');
    token[token.length - 10] = token[token.length - 10]! ^ 0xff;
    anchors[0].token = token.toString('base64');
    const anchorsBytes = Buffer.from(JSON.stringify(anchors));
    for (const f of manifest.files) {
      if (f.path === 'audit/chain.jsonl') Object.assign(f, { sha256: sha256(all.get('audit/chain.jsonl')!), size: all.get('audit/chain.jsonl')!.length });
      if (f.path === 'audit/anchors.json') Object.assign(f, { sha256: sha256(anchorsBytes), size: anchorsBytes.length });
      if (f.path === anchors[0].file) Object.assign(f, { sha256: sha256(token), size: token.length });
    }
    const bad = await verify(await rezip(archive, { 'audit/anchors.json': anchorsBytes, [anchors[0].file]: token, 'manifest.json': Buffer.from(JSON.stringify(manifest)) }));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL \[audit\] audit\/chain\.jsonl: entry \d+: the time-stamp over entry \d+ does not verify/);
  });

  it('shows a progress bar when stderr is a terminal, and keeps stdout for the hash', async () => {
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    let err = '';
    let out = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await main(['node', 'sutne', 'export', '--out', 'tty.zip'], { env, stdout, stderr, cwd });
    expect(code).toBe(0);
    expect(err).toMatch(/Exporting \|[█░]+\| 3\/3 letters \| \d+\.\d MB/);
    expect(out).toMatch(/^[0-9a-f]{64}  tty\.zip\n$/);
  });

  it('says clearly when the file is not an export', async () => {
    const res = await verify(tempFile('nav.zip', Buffer.from('not a zip')));
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('FAIL [archive] not a readable ZIP archive');
  });

  it('holds an unsigned draft\'s PDF against the hash letter.rendered recorded', async () => {
    const draft = await insertFixtureLetter(svc.deps, { institutionId: school, status: 'draft', createdAt: '2026-03-09T09:00:00.000Z' });
    expect((await run(['export', '--out', 'melnraksti.zip', '--status', 'draft'], env, cwd)).code).toBe(0);
    const drafts = path.join(cwd, 'melnraksti.zip');
    expect((await verify('melnraksti.zip')).code).toBe(0);
    const dir = `letters/${draft.registrationNumber.replace(/\//g, '_')}/`;
    const res = await verify(await forge(drafts, dir, { [`${dir}letter.pdf`]: Buffer.from('%PDF-1.7\n% cits melnraksts\n%%EOF\n') }));
    expect(res.code).toBe(1);
    const n = await entryOf(drafts, 'letter.rendered', draft.id);
    expect(res.stdout).toContain(`letter ${draft.registrationNumber}: the draft PDF differs from what entry ${n} (letter.rendered) recorded when it was made`);
  });

  it('needs --institution when there are several, and leaves nothing behind on failure', async () => {
    await svc.addInstitution({ ...(await import('../support/service')).schoolInstitution, id: 'cita-skola', registerPrefix: '2-1' });
    const res = await run(['export', '--out', 'otrs.zip'], env, cwd);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('name one with --institution');
    const bad = await run(['export', '--out', 'otrs.zip', '--institution', 'cita-skola', '--from', 'vakar'], env, cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/- from: must be a day/);
    expect(fs.existsSync(path.join(cwd, 'otrs.zip'))).toBe(false);
    const theirs = await run(['export', '--out', 'otrs.zip', '--institution', 'cita-skola'], env, cwd);
    expect(theirs.code).toBe(0);
    expect(theirs.stderr).toContain('Exported 0 letters');
    expect((await verify('otrs.zip')).code).toBe(0);
  });
});
