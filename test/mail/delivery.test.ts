import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cliPrincipal } from '../../src/access';
import { OutboxWorker, queueLetter, type QueueContext } from '../../src/mail';
import { dialects } from '../support/databases';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestService, type TestService } from '../support/service';
import { FIXTURE_TITLE, seedSignedLetter, socialService, statePolice } from './fixtures';
import { until } from './support/until';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(dialects)('delivery through SMTP on %s', (dialect) => {
  let sink: SmtpSink;
  let svc: TestService;
  let institutionId: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    svc = await startTestService(dialect, {
      SMTP_URL: sink.url, MAIL_FROM: 'sutne@skola.example.lv', MAIL_MAX_ATTEMPTS: '3', MAIL_RETRY_BASE_MS: '1', MAIL_POLL_MS: '20',
    });
    institutionId = await svc.addInstitution();
  });
  afterEach(async () => {
    await svc.deps.mail.outbox.stop();
    sink.release();
    sink.delayMs = 0;
    if (!sink['server']) await sink.start();
  });
  afterAll(async () => {
    await svc.close();
    await sink.stop();
  });

  const ctx = (): QueueContext => ({
    ...svc.deps, mailFrom: svc.config.mailFrom, nudge: () => svc.deps.mail.outbox.wake(),
  });
  const queue = async (recipient = socialService) => {
    const letter = await seedSignedLetter(svc.deps, { institutionId, recipient });
    await queueLetter(ctx(), cliPrincipal(institutionId, 'signer'), letter.letterId);
    return { ...letter, ...(await row(letter.letterId)) };
  };
  const row = (id: string) => svc.deps.db.selectFrom('letters').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const arrived = (messageId: string) => sink.received.filter((m) => sink.countsByMessageId().has(messageId) && m.raw.includes(messageId));
  const actions = async (id: string) =>
    (await svc.deps.db.selectFrom('audit_log').select(['action', 'details', 'actor']).where('object_id', '=', id).orderBy('n').execute());
  const counter = async (c: { get(): Promise<{ values: Array<{ value: number }> }> }) => (await c.get()).values[0]?.value ?? 0;
  const later = () => new Promise((r) => setTimeout(r, 30));

  it('delivers the stored bytes once, to every address, and keeps the server\'s answer', async () => {
    const sentBefore = await counter(svc.deps.metrics.mailSent);
    const letter = await queue(statePolice);
    expect(await svc.deps.mail.outbox.runOnce()).toBe(1);

    const [msg, ...more] = arrived(letter.message_id!);
    expect(more).toEqual([]);
    expect(msg!.envelope).toEqual({ from: 'sutne@skola.example.lv', to: statePolice.emails });
    expect(msg!.sha256).toBe(letter.eml_sha256);
    const parsed = await msg!.parse();
    expect(parsed.messageId).toBe(letter.message_id);
    expect(parsed.subject).toBe(`Nr. ${letter.registrationNumber} — ${FIXTURE_TITLE}`);
    expect(parsed.attachments.map((a) => sha256(a.content))).toEqual([sha256(letter.pdf), ...letter.materials.map((m) => m.sha256)]);

    const after = await row(letter.letterId);
    expect(after).toMatchObject({ status: 'sent', attempts: 1, transport: 'smtp', last_error: null, lease_owner: null, message_id: letter.message_id });
    expect(after.smtp_response).toMatch(/^250 /);
    expect(after.sent_at).not.toBeNull();
    const audit = await actions(letter.letterId);
    expect(audit.map((a) => a.action)).toEqual(['letter.queued', 'letter.sent']);
    // The hash and Message-ID of what went out, and the relay's reply code; never the addresses.
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ requeued: false, emlSha256: letter.eml_sha256 });
    expect(JSON.parse(audit[1]!.details)).toEqual({
      attempt: 1, transport: 'smtp', accepted: 2, refused: 0, emlSha256: letter.eml_sha256, messageId: letter.message_id, responseCode: '250',
    });
    expect(audit[1]!.details).not.toContain('@vp.gov.lv');
    expect(audit[1]!.actor).toBe('system:outbox');
    expect(await counter(svc.deps.metrics.mailSent)).toBe(sentBefore + 1);
    expect(await svc.deps.mail.outbox.runOnce()).toBe(0);
  });

  it('retries while the server is down and delivers once when it is back', async () => {
    const retriedBefore = await counter(svc.deps.metrics.mailRetried);
    await sink.stop();
    const letter = await queue();
    // Enough attempts, far enough apart, for the server to come back before they run out.
    const worker = new OutboxWorker(
      { ...svc.deps, mail: { ...svc.config.mail, maxAttempts: 8, retryBaseMs: 100 }, transport: svc.deps.mail.transport, random: Math.random },
    );
    worker.start();
    try {
      const failed = await until(async () => {
        const r = await row(letter.letterId);
        return r.last_error ? r : undefined;
      });
      expect(failed.status).not.toBe('sent');
      expect(failed.last_error).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
      await sink.start();
      const sent = await until(async () => {
        const r = await row(letter.letterId);
        return r.status === 'sent' ? r : undefined;
      });
      expect(sent.attempts).toBeGreaterThanOrEqual(2);
      expect(arrived(letter.message_id!)).toHaveLength(1);
      expect((await actions(letter.letterId)).map((a) => a.action)).toEqual([
        'letter.queued', ...Array<string>(sent.attempts - 1).fill('letter.send_failed'), 'letter.sent',
      ]);
      expect(await counter(svc.deps.metrics.mailRetried)).toBe(retriedBefore + sent.attempts - 1);
    } finally {
      await worker.stop();
    }
  });

  it('retries a 4xx with backoff, keeping the error and the answer, then delivers', async () => {
    sink.replyToData(451, '4.3.0 Try again later');
    const letter = await queue();
    await svc.deps.mail.outbox.runOnce();
    const deferred = await row(letter.letterId);
    expect(deferred).toMatchObject({ status: 'queued', attempts: 1 });
    expect(deferred.last_error).toContain('451');
    expect(deferred.smtp_response).toContain('451 4.3.0 Try again later');
    expect(Date.parse(deferred.next_attempt_at!)).toBeGreaterThan(Date.parse(deferred.updated_at) - 1);
    const details = JSON.parse((await actions(letter.letterId))[1]!.details);
    expect(details).toEqual({ attempt: 1, code: '451', nextAttemptAt: deferred.next_attempt_at });

    await later();
    await svc.deps.mail.outbox.runOnce();
    expect(await row(letter.letterId)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    const copies = arrived(letter.message_id!);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.sha256).toBe(letter.eml_sha256);
  });

  it('fails a permanent 5xx at once, and a signer\'s retry sends the very same message', async () => {
    const failedBefore = await counter(svc.deps.metrics.mailFailed);
    sink.replyToData(554, '5.7.1 Message rejected');
    const letter = await queue();
    await svc.deps.mail.outbox.runOnce();
    const failed = await row(letter.letterId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: null });
    expect(failed.last_error).toContain('554');
    expect(failed.smtp_response).toContain('554 5.7.1 Message rejected');
    expect(await counter(svc.deps.metrics.mailFailed)).toBe(failedBefore + 1);
    const failedNow = await svc.deps.db.selectFrom('letters').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'failed').executeTakeFirstOrThrow();
    expect((await svc.request.get('/metrics')).text).toContain(`sutne_outbox_letters{status="failed"} ${Number(failedNow.n)}`);
    await later();
    expect(await svc.deps.mail.outbox.runOnce()).toBe(0);
    expect(arrived(letter.message_id!)).toHaveLength(0);

    expect(await queueLetter(ctx(), cliPrincipal(institutionId, 'signer'), letter.letterId)).toBe('requeued');
    await svc.deps.mail.outbox.runOnce();
    const sent = await row(letter.letterId);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, message_id: letter.message_id, eml_sha256: letter.eml_sha256 });
    expect(arrived(letter.message_id!).map((m) => m.sha256)).toEqual([letter.eml_sha256]);
    const audit = await actions(letter.letterId);
    expect(audit.map((a) => a.action)).toEqual(['letter.queued', 'letter.failed', 'letter.queued', 'letter.sent']);
    expect(JSON.parse(audit[1]!.details)).toEqual({ attempt: 1, code: '554', permanent: true });
    expect(JSON.parse(audit[2]!.details)).toEqual({ requeued: true, emlSha256: letter.eml_sha256 });
  });

  it('gives up after MAIL_MAX_ATTEMPTS temporary failures', async () => {
    sink.replyToData(421, '4.4.2 Service busy', 3);
    const letter = await queue();
    for (let i = 0; i < 3; i++) {
      await svc.deps.mail.outbox.runOnce();
      await later();
    }
    expect(await row(letter.letterId)).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await actions(letter.letterId)).map((a) => a.action)).toEqual([
      'letter.queued', 'letter.send_failed', 'letter.send_failed', 'letter.failed',
    ]);
    expect(arrived(letter.message_id!)).toHaveLength(0);
  });

  it('sends a deferred address again later, never the ones that accepted', async () => {
    const [first, second] = statePolice.emails as [string, string];
    sink.replyToRecipient(second, 450, '4.2.1 Mailbox busy');
    const letter = await queue(statePolice);
    await svc.deps.mail.outbox.runOnce();
    const partial = await row(letter.letterId);
    expect(partial.status).toBe('queued');
    expect(JSON.parse(partial.mail_envelope!).accepted).toEqual([first]);
    expect(partial.last_error).toContain('Accepted for 1 of 2 addresses');
    await later();
    await svc.deps.mail.outbox.runOnce();
    expect((await row(letter.letterId)).status).toBe('sent');
    const copies = arrived(letter.message_id!);
    expect(copies.map((c) => c.envelope.to)).toEqual([[first], [second]]);
    expect(new Set(copies.map((c) => c.sha256))).toEqual(new Set([letter.eml_sha256]));
  });

  it('records an address refused for good beside the delivery to the others', async () => {
    const [first, second] = statePolice.emails as [string, string];
    sink.replyToRecipient(second, 550, '5.1.1 No such user');
    const letter = await queue(statePolice);
    await svc.deps.mail.outbox.runOnce();
    const sent = await row(letter.letterId);
    expect(sent.status).toBe('sent');
    expect(sent.last_error).toContain('Refused for 1 of 2 addresses');
    expect(sent.last_error).toContain('550');
    expect(arrived(letter.message_id!).map((c) => c.envelope.to)).toEqual([[first]]);
  });

  it('fails a letter whose stored message is gone, rather than sending something else', async () => {
    const letter = await queue();
    await svc.deps.blobs.delete(letter.eml_key!);
    await svc.deps.mail.outbox.runOnce();
    const failed = await row(letter.letterId);
    expect(failed.status).toBe('failed');
    expect(failed.last_error).toContain('stored message is missing or changed');
  });

  it('finishes and records the delivery in hand when stopped', async () => {
    sink.delayMs = 400;
    const letter = await queue();
    svc.deps.mail.outbox.start();
    await until(async () => (await row(letter.letterId)).status === 'sending');
    await svc.deps.mail.outbox.stop();
    expect((await row(letter.letterId)).status).toBe('sent');
    expect(arrived(letter.message_id!)).toHaveLength(1);
  });

  it('stops within its timeout when a delivery hangs, leaving the letter to its lease', async () => {
    sink.delayMs = 1500;
    const letter = await queue();
    const worker = new OutboxWorker(
      { ...svc.deps, mail: svc.config.mail, transport: svc.deps.mail.transport, random: Math.random },
      { stopTimeoutMs: 100 },
    );
    worker.start();
    await until(async () => (await row(letter.letterId)).status === 'sending');
    const t = Date.now();
    await worker.stop();
    expect(Date.now() - t).toBeLessThan(1000);
    expect((await row(letter.letterId)).status).toBe('sending');
    await until(async () => (await row(letter.letterId)).status === 'sent');
  });
});

describe('delivery without SMTP_URL', () => {
  it('writes each message as an .eml file under DATA_DIR/outbox and sends nothing', async () => {
    const svc = await startTestService('sqlite', { MAIL_POLL_MS: '20' });
    try {
      const institutionId = await svc.addInstitution();
      const letter = await seedSignedLetter(svc.deps, { institutionId });
      const ctx: QueueContext = { ...svc.deps, mailFrom: svc.config.mailFrom, nudge: () => svc.deps.mail.outbox.wake() };
      svc.deps.mail.outbox.start();
      await queueLetter(ctx, cliPrincipal(institutionId, 'signer'), letter.letterId);
      const sent = await until(async () => {
        const r = await svc.deps.db.selectFrom('letters').selectAll().where('id', '=', letter.letterId).executeTakeFirstOrThrow();
        return r.status === 'sent' ? r : undefined;
      });
      expect(sent.transport).toBe('capture');
      expect(sent.smtp_response).toBe(`250 captured as outbox/${letter.letterId}.eml; not sent`);
      const file = path.join(svc.config.dataDir, 'outbox', `${letter.letterId}.eml`);
      expect(sha256(fs.readFileSync(file))).toBe(sent.eml_sha256);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(path.dirname(file))).toEqual([`${letter.letterId}.eml`]);
    } finally {
      await svc.deps.mail.outbox.stop();
      await svc.close();
    }
  });
});
