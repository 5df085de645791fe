import { verifyExport } from '../../src/export';
import { startCaseService, type CaseService } from '../cases/case-service';
import { exampleCase } from '../cases/scheme-fixture';
import * as files from '../cases/sample-files';
import { binary, rezip, tempFile, unzipAll } from './support/archive';
import { sha256 } from './support/fixtures';
import type { Manifest } from '../../src/export';

/*
 * The hashes the service itself records (upload, render, sign, queue, send) are the ones the
 * offline verifier holds the archive against: a letter made, signed and sent through the API
 * exports intact, and a message swapped in the archive is named by the entries that recorded it.
 */
describe('export verify over letters made by the service itself', () => {
  let svc: CaseService;
  let archive: string;
  let letterId: string;
  beforeAll(async () => {
    svc = await startCaseService('sqlite');
    const signer = await svc.apiKey(svc.schoolId, 'signer');
    const auditor = await svc.apiKey(svc.schoolId, 'auditor');
    for (let i = 0; i < 2; i++) {
      const kase = await svc.postCase(exampleCase('social-problems'));
      await svc.request.post(`/api/v1/cases/${kase.body.id}/attachments`).set(...svc.auth()).attach('file', await files.pdf(`protokols ${i}`), `protokols-${i}.pdf`).expect(201);
      const letters = await svc.request.post(`/api/v1/cases/${kase.body.id}/letters`).set(...svc.auth()).send({ recipients: ['social_service'] }).expect(201);
      letterId = letters.body[0].id;
      await svc.request.post(`/api/v1/letters/${letterId}/sign`).set(...svc.auth(signer)).expect(200);
      await svc.request.post(`/api/v1/letters/${letterId}/send`).set(...svc.auth(signer)).expect(202);
    }
    await svc.deps.mail.outbox.runOnce();
    const res = await svc.request.get('/api/v1/export').set(...svc.auth(auditor)).buffer(true).parse(binary).expect(200);
    archive = tempFile('e.zip', res.body as Buffer);
  });
  afterAll(() => svc.close());

  const verify = (file: string) => verifyExport(file, { pdf: svc.deps.signing, timestamps: svc.deps.signing });

  it('finds the export intact, every signature checked', async () => {
    const report = await verify(archive);
    expect(report).toMatchObject({ intact: true, letters: 2, signaturesChecked: 2, problems: [] });
  });

  it('names the letter.queued and letter.sent entries when a sent message is swapped and the manifests rewritten', async () => {
    const all = await unzipAll(archive);
    const manifest = JSON.parse(all.get('manifest.json')!.toString()) as Manifest;
    const [mine, other] = [manifest.letters.find((l) => l.id === letterId)!, manifest.letters.find((l) => l.id !== letterId)!];
    const swapped = all.get(other.message!)!;
    const meta = JSON.parse(all.get(mine.metadata)!.toString());
    meta.files.message.sha256 = sha256(swapped);
    const metaBytes = Buffer.from(JSON.stringify(meta));
    for (const f of manifest.files) {
      if (f.path === mine.message) Object.assign(f, { sha256: sha256(swapped), size: swapped.length });
      if (f.path === mine.metadata) Object.assign(f, { sha256: sha256(metaBytes), size: metaBytes.length });
    }
    const forged = await rezip(archive, { [mine.message!]: swapped, [mine.metadata]: metaBytes, 'manifest.json': Buffer.from(JSON.stringify(manifest)) });
    const report = await verify(forged);
    expect(report.intact).toBe(false);
    const chain = all.get('audit/chain.jsonl')!.toString().trim().split('\n').map((l) => JSON.parse(l) as { n: number; action: string; objectId: string });
    const entry = (action: string) => chain.find((e) => e.action === action && e.objectId === letterId)!.n;
    expect(report.problems.map((p) => p.message)).toEqual([
      `letter ${mine.registrationNumber}: the queued message differs from what entry ${entry('letter.queued')} (letter.queued) recorded when it was made`,
      `letter ${mine.registrationNumber}: the sent message differs from what entry ${entry('letter.sent')} (letter.sent) recorded when it was made`,
    ]);
  });
});
