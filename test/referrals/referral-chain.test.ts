import { startCaseService, sha256, type CaseService } from '../cases/case-service';
import { exampleCase } from '../cases/scheme-fixture';
import * as files from '../cases/sample-files';
import { dialects } from '../support/databases';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

describe.each(dialects)('a referral created, signed and sent in one call on %s', (dialect) => {
  let sink: SmtpSink;
  let svc: CaseService;
  let system: string;
  beforeAll(async () => {
    sink = await startSmtpSink();
    svc = await startCaseService(dialect, { SMTP_URL: sink.url, MAIL_FROM: 'sutne@skola.example.lv' });
    system = await svc.apiKey(svc.schoolId, 'system');
  });
  afterAll(async () => {
    await svc.close();
    await sink.stop();
  });

  const counts = async () => ({
    cases: (await svc.deps.db.selectFrom('cases').select('id').execute()).length,
    letters: (await svc.deps.db.selectFrom('letters').select('id').execute()).length,
    blobs: svc.storedBlobs().length,
  });
  const referral = (query: string, key = system) =>
    svc.request.post(`/api/v1/referrals${query}`).set(...svc.auth(key)).field('case', JSON.stringify(exampleCase('police')));

  it('delivers every routed letter, signed, with the work materials, to the in-process SMTP server', async () => {
    const material = await files.pdf('Psihologa atzinums');
    const res = await referral('?sign=true&send=true').attach('file', material, 'Psihologa atzinums — Ģirts.pdf');
    expect(res.status).toBe(201);
    expect(res.body.letters.map((l: { recipient: { key: string }; status: string }) => [l.recipient.key, l.status])).toEqual([
      ['state_police', 'queued'],
      ['municipal_police', 'queued'],
    ]);
    expect(await svc.deps.mail.outbox.runOnce()).toBe(2);
    await sink.waitFor(2);

    for (const letter of res.body.letters as Array<{ id: string; messageId: string; recipient: { emails: string[] } }>) {
      const now = (await svc.request.get(`/api/v1/letters/${letter.id}`).set(...svc.auth(system))).body;
      expect(now).toMatchObject({ status: 'sent', timestamp: { genTime: expect.any(String) } });
      const arrived = sink.received.filter((m) => m.raw.includes(letter.messageId));
      expect(arrived).toHaveLength(1);
      expect(arrived[0]!.envelope.to.sort()).toEqual([...letter.recipient.emails].sort());
      const mail = await arrived[0]!.parse();
      const [pdf, attached] = mail.attachments;
      expect(sha256(pdf!.content)).toBe(now.pdf.sha256);
      expect((await svc.deps.signing.verifyPdf(pdf!.content)).valid).toBe(true);
      expect(attached!.filename).toBe('Psihologa atzinums — Ģirts.pdf');
      expect(sha256(attached!.content)).toBe(sha256(material));
    }
  });

  it('signs without sending when only sign=true is asked', async () => {
    const res = await referral('?sign=true');
    expect(res.status).toBe(201);
    expect(res.body.letters.map((l: { status: string }) => l.status)).toEqual(['signed', 'signed']);
    expect(await svc.deps.mail.outbox.runOnce()).toBe(0);
  });

  it('fails a letter the relay refuses for good (5xx), and delivers it once when a signer retries', async () => {
    const signer = await svc.apiKey(svc.schoolId, 'signer');
    const res = await svc.request
      .post('/api/v1/referrals?sign=true&send=true')
      .set(...svc.auth(system))
      .field('case', JSON.stringify(exampleCase('social-problems')));
    const [letter] = res.body.letters as Array<{ id: string; messageId: string }>;
    sink.replyToData(550, 'Mailbox unavailable');
    expect(await svc.deps.mail.outbox.runOnce()).toBe(1);
    const failed = (await svc.request.get(`/api/v1/letters/${letter!.id}`).set(...svc.auth(signer))).body;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('550') });

    const retry = await svc.request.post(`/api/v1/letters/${letter!.id}/send`).set(...svc.auth(signer));
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ status: 'queued', messageId: letter!.messageId });
    expect(await svc.deps.mail.outbox.runOnce()).toBe(1);
    const sent = (await svc.request.get(`/api/v1/letters/${letter!.id}`).set(...svc.auth(signer))).body;
    // A retry is a fresh round of attempts (the history keeps the first round).
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, messageId: letter!.messageId });
    expect(sink.countsByMessageId().get(letter!.messageId)).toBe(1);
  });

  it('refuses sign=true from a clerk and send=true without sign=true before creating anything', async () => {
    const before = await counts();
    const clerk = await referral('?sign=true', svc.clerk).attach('file', files.png, 'foto.png');
    expect(clerk.status).toBe(403);
    const unsigned = await referral('?send=true');
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.error.details).toEqual([{ path: 'send', message: 'needs sign=true' }]);
    const bad = await referral('?sign=yes');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('sign');
    expect(await counts()).toEqual(before);
    expect(svc.tmpFiles()).toEqual([]);
  });
});
