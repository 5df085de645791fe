import { randomBytes } from 'node:crypto';
import { SignPdf } from '@signpdf/signpdf';
import { P12Signer } from '@signpdf/signer-p12';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { startCaseService, sha256, type CaseService } from '../cases/case-service';
import { exampleCase } from '../cases/scheme-fixture';
import * as files from '../cases/sample-files';
import { dialects } from '../support/databases';
import { devPkiPems, makeP12 } from '../signing/support';

type Letter = { id: string; status: string; pdf: { sha256: string; size: number }; timestamp?: { genTime: string; tsa: string }; signedAt?: string; messageId?: string };

describe.each(dialects)('signing and sending letters over HTTP on %s', (dialect) => {
  let svc: CaseService;
  let signer: string;
  beforeAll(async () => {
    svc = await startCaseService(dialect);
    signer = await svc.apiKey(svc.schoolId, 'signer');
  });
  afterAll(() => svc.close());

  const post = (path: string, key = signer) => svc.request.post(`/api/v1${path}`).set(...svc.auth(key));
  const download = async (letterId: string, key = signer): Promise<Buffer> => {
    const res = await svc.request.get(`/api/v1/letters/${letterId}/pdf`).set(...svc.auth(key)).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    return res.body as Buffer;
  };
  /** A fresh case with one work material, and its draft letter (prepared by the clerk). */
  const draft = async (): Promise<Letter> => {
    const kase = await svc.postCase(exampleCase('social-problems'));
    await post(`/cases/${kase.body.id}/attachments`, svc.clerk).attach('file', await files.pdf('sarunas'), 'Sarunu protokols.pdf');
    const letters = await post(`/cases/${kase.body.id}/letters`, svc.clerk).send({});
    expect(letters.status).toBe(201);
    return letters.body[0] as Letter;
  };
  const auditOf = (letterId: string) =>
    svc.deps.db.selectFrom('audit_log').select(['action', 'actor', 'details']).where('object_id', '=', letterId).orderBy('n').execute();

  it('signs a draft as PAdES-B-T that verifies, keeping the draft as an unchanged prefix', async () => {
    const letter = await draft();
    const before = await download(letter.id);
    const res = await post(`/letters/${letter.id}/sign`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: letter.id, status: 'signed', timestamp: { genTime: expect.any(String), tsa: expect.stringContaining('TSA') } });
    const signed = await download(letter.id);
    expect(sha256(signed)).toBe(res.body.pdf.sha256);
    expect(signed.subarray(0, before.length).equals(before)).toBe(true);
    const report = await svc.deps.signing.verifyPdf(signed);
    expect(report.valid).toBe(true);
    expect(report.signatures[0]!.timestamp!.genTime).toBe(res.body.timestamp.genTime);

    const signedEntry = (await auditOf(letter.id)).find((e) => e.action === 'letter.signed')!;
    expect(JSON.parse(signedEntry.details)).toMatchObject({ draftSha256: sha256(before), pdfSha256: sha256(signed), via: 'sutne' });
    const row = await svc.deps.db.selectFrom('letters').select(['signed_via', 'signed_by']).where('id', '=', letter.id).executeTakeFirstOrThrow();
    expect(row.signed_via).toBe('sutne');
    expect(row.signed_by).toMatch(/^key:/);
  });

  it('keeps a signed letter unchanged: no second signature, no upload over it (409)', async () => {
    const letter = await draft();
    const first = await post(`/letters/${letter.id}/sign`);
    expect(first.status).toBe(200);
    const again = await post(`/letters/${letter.id}/sign`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('WRONG_STATE');
    const upload = await post(`/letters/${letter.id}/signed-pdf`).set('Content-Type', 'application/pdf').send(await download(letter.id));
    expect(upload.status).toBe(409);
    const now = await svc.request.get(`/api/v1/letters/${letter.id}`).set(...svc.auth(signer));
    expect(now.body.pdf).toEqual(first.body.pdf);
    expect((await auditOf(letter.id)).filter((e) => e.action === 'letter.signed')).toHaveLength(1);
  });

  it('lets only signer and system roles sign and send', async () => {
    const letter = await draft();
    for (const role of ['clerk', 'auditor', 'admin'] as const) {
      const key = await svc.apiKey(svc.schoolId, role);
      expect((await post(`/letters/${letter.id}/sign`, key)).status).toBe(403);
      expect((await post(`/letters/${letter.id}/send`, key)).status).toBe(403);
    }
    const system = await svc.apiKey(svc.schoolId, 'system');
    expect((await post(`/letters/${letter.id}/sign`, system)).status).toBe(200);
  });

  it('does not find another institution\'s letter', async () => {
    const letter = await draft();
    const otherId = await svc.addInstitution({
      id: 'citas-skola', kind: 'school', name: 'Cita skola', regNo: '4312900009', address: 'Cita iela 1, Aizkraukle', email: 'cita@example.lv', registerPrefix: '9',
    });
    const other = await svc.apiKey(otherId, 'signer');
    expect((await post(`/letters/${letter.id}/sign`, other)).status).toBe(404);
    expect((await post(`/letters/${letter.id}/send`, other)).status).toBe(404);
    expect((await post(`/letters/${letter.id}/signed-pdf`, other).set('Content-Type', 'application/pdf').send(Buffer.from('%PDF-1.7'))).status).toBe(404);
  });

  it('sends only signed letters, once: a draft is a 409, a signed letter is queued, delivered, and not sent again', async () => {
    const letter = await draft();
    const early = await post(`/letters/${letter.id}/send`);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/draft/);
    await post(`/letters/${letter.id}/sign`);
    const queued = await post(`/letters/${letter.id}/send`);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ id: letter.id, status: 'queued', messageId: expect.stringMatching(/^<sutne\./) });
    expect((await post(`/letters/${letter.id}/send`)).status).toBe(202);
    expect(await svc.deps.mail.outbox.runOnce()).toBe(1);
    const sent = await svc.request.get(`/api/v1/letters/${letter.id}`).set(...svc.auth(signer));
    expect(sent.body).toMatchObject({ status: 'sent', messageId: queued.body.messageId, attempts: 1, delivery: { transport: 'capture' } });
    const again = await post(`/letters/${letter.id}/send`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already sent/);
    expect(await svc.deps.mail.outbox.runOnce()).toBe(0);
    // Without SMTP_URL the message went to the capture, with the signed PDF attached.
    const row = await svc.deps.db.selectFrom('letters').select(['transport', 'eml_key']).where('id', '=', letter.id).executeTakeFirstOrThrow();
    expect(row.transport).toBe('capture');
    const { simpleParser } = await import('mailparser');
    const mail = await simpleParser(await svc.deps.blobs.get(row.eml_key!));
    expect(mail.subject).toMatch(/^Nr\. 1-13\/\d{4}\/\d+ — Par /);
    expect(mail.attachments.map((a) => [a.filename, sha256(a.content)])).toEqual([
      [expect.stringMatching(/^1-13_\d{4}_\d+\.pdf$/), sent.body.pdf.sha256],
      ['Sarunu protokols.pdf', expect.any(String)],
    ]);
  });

  it('accepts the draft signed elsewhere when the draft is its unchanged prefix and signature and time-stamp verify', async () => {
    const letter = await draft();
    const original = await download(letter.id);
    // "Another tool": the same PAdES signer run outside the letter workflow, as `sutne sign` would.
    const signedElsewhere = (await svc.deps.signing.signPdf(original)).pdf;
    const res = await post(`/letters/${letter.id}/signed-pdf`).set('Content-Type', 'application/pdf').send(signedElsewhere);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'signed', pdf: { sha256: sha256(signedElsewhere), size: signedElsewhere.length }, timestamp: { genTime: expect.any(String) } });
    expect((await download(letter.id)).equals(signedElsewhere)).toBe(true);
    const entry = (await auditOf(letter.id)).find((e) => e.action === 'letter.signed')!;
    expect(JSON.parse(entry.details)).toMatchObject({ via: 'upload', draftSha256: sha256(original) });
  });

  it('refuses an upload that is not this draft, has no time-stamp, or was changed after signing (422), leaving the draft', async () => {
    const letter = await draft();
    const original = await download(letter.id);
    const send = (pdf: Buffer) => post(`/letters/${letter.id}/signed-pdf`).set('Content-Type', 'application/pdf').send(pdf);

    // Another letter's draft, signed validly: not this letter's text.
    const otherDraft = await download((await draft()).id);
    const notThis = await send((await svc.deps.signing.signPdf(otherDraft)).pdf);
    expect(notThis.status).toBe(422);
    expect(notThis.body.error.message).toMatch(/does not begin with this letter's draft/);

    // Signed by a CMS tool without an RFC 3161 time-stamp.
    const pems = devPkiPems(svc.config.dataDir);
    const p12 = makeP12(pems.signer.key, pems.signer.cert, pems.ca.cert, 'parole');
    const withPlaceholder = plainAddPlaceholder({ pdfBuffer: original, reason: 'test', contactInfo: 'x@example.lv', name: 'x', location: 'Aizkraukle', signatureLength: 8192 });
    const unstamped = await new SignPdf().sign(withPlaceholder, new P12Signer(p12, { passphrase: 'parole' }));
    expect(unstamped.subarray(0, original.length).equals(original)).toBe(true);
    const noStamp = await send(unstamped);
    expect(noStamp.status).toBe(422);
    expect(noStamp.body.error.details.map((d: { path: string }) => d.path)).toContain('signatures[0].timestamp');

    // A valid signature, then one byte it covers changed (in its own update, after the draft).
    const good = (await svc.deps.signing.signPdf(original)).pdf;
    const tampered = Buffer.from(good);
    const claimedTime = good.indexOf('/M (D:', original.length);
    expect(claimedTime).toBeGreaterThan(original.length);
    const digit = claimedTime + 8;
    tampered[digit] = tampered[digit] === 0x31 ? 0x32 : 0x31;
    const changed = await send(tampered);
    expect(changed.status).toBe(422);
    expect(changed.body.error.details.map((d: { path: string }) => d.path)).toContain('signatures[0].digest');

    // A valid signature with an update appended after it.
    const appended = await send(Buffer.concat([good, Buffer.from('\n1 0 obj\n(later)\nendobj\n')]));
    expect(appended.status).toBe(422);
    expect(appended.body.error.details.map((d: { path: string }) => d.path)).toContain('signatures[0].coverage');

    expect((await send(Buffer.from('not a pdf at all'))).status).toBe(422);
    expect((await post(`/letters/${letter.id}/signed-pdf`).set('Content-Type', 'text/plain').send('x')).status).toBe(415);
    const now = await svc.request.get(`/api/v1/letters/${letter.id}`).set(...svc.auth(signer));
    expect(now.body).toMatchObject({ status: 'draft', pdf: letter.pdf });
    expect((await auditOf(letter.id)).filter((e) => e.action === 'letter.signed')).toHaveLength(0);
  });
});

describe('who may sign where the institution requires a second person (data encrypted at rest)', () => {
  let svc: CaseService;
  beforeAll(async () => {
    svc = await startCaseService('sqlite', { DATA_KEY: randomBytes(32).toString('base64') });
    await svc.deps.db.updateTable('institutions').set({ settings: JSON.stringify({ requireSeparateSigner: true }) }).execute();
  });
  afterAll(() => svc.close());

  it('refuses the person who prepared the letter and lets another signer sign it', async () => {
    const preparer = await svc.apiKey(svc.schoolId, 'signer');
    const other = await svc.apiKey(svc.schoolId, 'signer');
    const kase = await svc.postCase(exampleCase('social-problems'), preparer);
    const [letter] = (await svc.request.post(`/api/v1/cases/${kase.body.id}/letters`).set(...svc.auth(preparer)).send({})).body;
    const self = await svc.request.post(`/api/v1/letters/${letter.id}/sign`).set(...svc.auth(preparer));
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('SAME_PERSON');
    const res = await svc.request.post(`/api/v1/letters/${letter.id}/sign`).set(...svc.auth(other));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('signed');

    // A signed letter that will not go out is cancelled with its reason, which may name people: sealed at rest.
    const reason = 'Jānis Bērziņš pārcēlies uz citu skolu';
    const cancelled = await svc.request.post(`/api/v1/letters/${letter.id}/cancel`).set(...svc.auth(other)).send({ reason });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelled: { at: expect.any(String), reason } });
    const row = await svc.deps.db.selectFrom('letters').select('cancel_reason').where('id', '=', letter.id).executeTakeFirstOrThrow();
    expect(row.cancel_reason).not.toContain('Bērziņš');
    expect((await svc.request.get(`/api/v1/letters/${letter.id}`).set(...svc.auth(other))).body.cancelled.reason).toBe(reason);
  });
});

describe('signing while the time-stamp authority cannot be reached', () => {
  let svc: CaseService;
  beforeAll(async () => {
    // Nothing listens on port 9 (discard) here: every request is refused at once.
    svc = await startCaseService('sqlite', { TSA_URL: 'http://127.0.0.1:9/tsa', TSA_TIMEOUT_MS: '2000' });
  });
  afterAll(() => svc.close());

  it('answers 503 and leaves the letter an unchanged draft: never signed without a time-stamp', async () => {
    const signer = await svc.apiKey(svc.schoolId, 'signer');
    const kase = await svc.postCase();
    const [letter] = (await svc.request.post(`/api/v1/cases/${kase.body.id}/letters`).set(...svc.auth()).send({})).body;
    const blobsBefore = svc.storedBlobs().sort();
    const res = await svc.request.post(`/api/v1/letters/${letter.id}/sign`).set(...svc.auth(signer));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('TSA_UNAVAILABLE');
    const now = await svc.request.get(`/api/v1/letters/${letter.id}`).set(...svc.auth(signer));
    expect(now.body).toEqual(letter);
    expect(svc.storedBlobs().sort()).toEqual(blobsBefore);
  });

  it('creates nothing for a referral asked to sign (503), so a retry starts clean', async () => {
    const system = await svc.apiKey(svc.schoolId, 'system');
    const count = async () => (await svc.deps.db.selectFrom('cases').select('id').execute()).length;
    const before = { cases: await count(), blobs: svc.storedBlobs().length };
    const res = await svc.request
      .post('/api/v1/referrals?sign=true&send=true')
      .set(...svc.auth(system))
      .field('case', JSON.stringify(exampleCase('social-problems')))
      .attach('file', files.png, 'foto.png');
    expect(res.status).toBe(503);
    expect({ cases: await count(), blobs: svc.storedBlobs().length }).toEqual(before);
    expect(svc.tmpFiles()).toEqual([]);
  });
});
