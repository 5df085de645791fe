import { createHash } from 'node:crypto';
import { cliPrincipal } from '../../src/access';
import { isAppError } from '../../src/errors';
import { queueLetter, type QueueContext } from '../../src/mail';
import { startTestService, type TestService } from '../support/service';
import { FIXTURE_TITLE, seedSignedLetter, socialService, statePolice } from './fixtures';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const TITLE = FIXTURE_TITLE;

describe('the message of a signed letter', () => {
  let svc: TestService;
  let institutionId: string;
  const ctx = (): QueueContext => ({ ...svc.deps, mailFrom: svc.config.mailFrom });
  const principal = () => cliPrincipal(institutionId, 'signer');

  beforeAll(async () => {
    svc = await startTestService('sqlite', { MAIL_FROM: 'sutne@daugavkrasta.example.lv' });
    institutionId = await svc.addInstitution();
  });
  afterAll(() => svc.close());

  const storedMessage = async (letterId: string) => {
    const row = await svc.deps.db.selectFrom('letters').selectAll().where('id', '=', letterId).executeTakeFirstOrThrow();
    const raw = await svc.deps.blobs.get(row.eml_key!);
    return { row, raw };
  };

  it('goes to every address of the recipient in one message, from MAIL_FROM, replying to the institution', async () => {
    const letter = await seedSignedLetter(svc.deps, { institutionId, recipient: statePolice });
    expect(await queueLetter(ctx(), principal(), letter.letterId)).toBe('queued');
    const { row, raw } = await storedMessage(letter.letterId);
    expect(row.status).toBe('queued');
    expect(sha256(raw)).toBe(row.eml_sha256);
    // Stored exactly as SMTP carries it (CRLF line ends), so what arrives is byte for byte what is kept.
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/);
    const { simpleParser } = await import('mailparser');
    const mail = await simpleParser(raw);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).toEqual(statePolice.emails);
    expect(mail.from?.value).toEqual([{ name: 'Daugavkrasta pamatskola', address: 'sutne@daugavkrasta.example.lv' }]);
    expect(mail.replyTo?.value).toEqual([{ name: 'Daugavkrasta pamatskola', address: 'daugavkrasta.skola@example.lv' }]);
    expect(mail.messageId).toBe(row.message_id);
    expect(row.message_id).toBe(`<sutne.${letter.letterId}@daugavkrasta.example.lv>`);
    expect(JSON.parse(row.mail_envelope!)).toEqual({ from: 'sutne@daugavkrasta.example.lv', to: statePolice.emails, accepted: [] });
  });

  it('names the registration number and the title in an encoded subject, and lists what is attached in Latvian', async () => {
    const letter = await seedSignedLetter(svc.deps, { institutionId, recipient: socialService });
    await queueLetter(ctx(), principal(), letter.letterId);
    const { raw } = await storedMessage(letter.letterId);
    const head = raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(head).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/m);
    const { simpleParser } = await import('mailparser');
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe(`Nr. ${letter.registrationNumber} — ${TITLE}`);
    const pdfName = `${letter.registrationNumber.replace(/\//g, '_')}.pdf`;
    for (const body of [mail.text!, mail.html as string]) {
      expect(body).toContain('Pielikumā:');
      expect(body).toContain(pdfName);
      expect(body).toContain(letter.registrationNumber);
      for (const m of letter.materials) expect(body).toContain(m.filename);
      expect(body).toContain('drošu elektronisko parakstu');
    }
    expect(mail.html).toContain('<html lang="lv">');
  });

  it('attaches the signed PDF under its registration number and every material byte for byte under its own name', async () => {
    const letter = await seedSignedLetter(svc.deps, {
      institutionId,
      materials: [
        { filename: 'Skolotājas ziņojums par ļoti ilgstošu kavējumu ģimenes apstākļu dēļ — 2026. gada marts, otrā daļa.pdf', content: Buffer.from('%PDF-1.7 material one'), contentType: 'application/pdf' },
        { filename: 'foto.jpg', content: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), contentType: 'image/jpeg' },
      ],
    });
    await queueLetter(ctx(), principal(), letter.letterId);
    const { raw } = await storedMessage(letter.letterId);
    // Long Unicode names are written as RFC 2231 parameters, continued over several lines.
    expect(raw.toString('latin1')).toMatch(/filename\*0\*=utf-8''Skolot%C4%81jas/i);
    const { simpleParser } = await import('mailparser');
    const mail = await simpleParser(raw);
    expect(mail.attachments.map((a) => a.filename)).toEqual([
      `${letter.registrationNumber.replace(/\//g, '_')}.pdf`,
      ...letter.materials.map((m) => m.filename),
    ]);
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['application/pdf', 'application/pdf', 'image/jpeg']);
    expect(mail.attachments.map((a) => sha256(a.content))).toEqual([sha256(letter.pdf), ...letter.materials.map((m) => m.sha256)]);
  });

  it('lets no case or institution value add or change a header (CR, LF, very long lines)', async () => {
    const hostileInstitution = await svc.addInstitution({
      id: 'hostile-skola', kind: 'school', name: 'Skola\r\nBcc: spy@evil.example\r\nX-Injected: 1', regNo: '4312900002',
      address: 'Skolas iela 1, Aizkraukle', email: 'skola@example.lv', registerPrefix: '2-1',
    });
    const letter = await seedSignedLetter(svc.deps, {
      institutionId: hostileInstitution,
      registerPrefix: '2-1',
      title: `Par\r\nBcc: evil@example.com\r\nSubject: fake\n\n${'garš '.repeat(2000)}`,
      recipient: { key: 'social_service', name: 'Dienests\nCc: cc@evil.example', emails: ['soccentrs@aizkraukle.lv'] },
      materials: [
        { filename: 'a.pdf\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>', content: Buffer.from('one') },
        { filename: '../../etc/passwd', content: Buffer.from('two') },
        { filename: `${'ļ'.repeat(3000)}.pdf`, content: Buffer.from('three') },
        { filename: 'rīkojums\u202Efdp.exe', content: Buffer.from('four') },
      ],
    });
    await queueLetter(ctx(), cliPrincipal(hostileInstitution, 'signer'), letter.letterId);
    const { raw } = await storedMessage(letter.letterId);
    const text = raw.toString('latin1');
    const head = text.split('\r\n\r\n')[0]!;
    const names = head.split('\r\n').filter((l) => !/^[ \t]/.test(l)).map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
    expect(names.sort()).toEqual(['content-language', 'content-type', 'date', 'from', 'message-id', 'mime-version', 'reply-to', 'subject', 'to']);
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(text).not.toMatch(/^(bcc|cc|x-injected):/im);

    const { simpleParser } = await import('mailparser');
    const mail = await simpleParser(raw);
    expect(mail.bcc).toBeUndefined();
    expect(mail.cc).toBeUndefined();
    expect(mail.subject).toMatch(/^Nr\. 2-1\/2026\/\d+ — Par Bcc: evil@example\.com Subject: fake garš garš/);
    expect([...mail.subject!].length).toBeLessThanOrEqual(250);
    expect(mail.from?.value[0]?.name).toBe('Skola Bcc: spy@evil.example X-Injected: 1');
    expect(mail.attachments).toHaveLength(5);
    const [, a, b, c, d] = mail.attachments.map((x) => x.filename!);
    expect(a).toBe('a.pdf Content-Type: text html <script>alert(1)< script>');
    expect(b).toBe('etc passwd');
    expect([...c!].length).toBeLessThanOrEqual(150);
    expect(c!.endsWith('….pdf')).toBe(true);
    expect(d).toBe('rīkojums fdp.exe');
    expect(mail.attachments.map((x) => x.content.toString()).slice(1)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('refuses a recipient address that is not one plain mailbox, leaving the letter signed', async () => {
    const letter = await seedSignedLetter(svc.deps, {
      institutionId,
      recipient: { key: 'x', name: 'X', emails: ['soccentrs@aizkraukle.lv\r\nBcc: spy@evil.example'] },
    });
    const err = await queueLetter(ctx(), principal(), letter.letterId).catch((e: unknown) => e);
    expect(isAppError(err, 'UNPROCESSABLE')).toBe(true);
    const row = await svc.deps.db.selectFrom('letters').selectAll().where('id', '=', letter.letterId).executeTakeFirstOrThrow();
    expect(row.status).toBe('signed');
    expect(row.eml_key).toBeNull();
  });

  it('refuses a material whose stored bytes no longer match its SHA-256, and keeps no message', async () => {
    const letter = await seedSignedLetter(svc.deps, { institutionId });
    const swapped = await svc.deps.blobs.put(Buffer.from('not the uploaded file'));
    await svc.deps.db.updateTable('attachments').set({ blob_key: swapped.key }).where('id', '=', letter.materials[0]!.id).execute();
    const before = await countBlobs(svc);
    const err = await queueLetter(ctx(), principal(), letter.letterId).catch((e: unknown) => e);
    expect(isAppError(err, 'INTERNAL')).toBe(true);
    expect((err as Error).message).toContain('no longer matches its SHA-256');
    expect(await countBlobs(svc)).toBe(before);
    const row = await svc.deps.db.selectFrom('letters').select('status').where('id', '=', letter.letterId).executeTakeFirstOrThrow();
    expect(row.status).toBe('signed');
  });

  it('sends only signed letters: drafts, sent and cancelled letters are a 409; another institution\'s letter is not found', async () => {
    for (const [status, words] of [['draft', 'sign it'], ['sent', 'already sent'], ['cancelled', 'cancelled']] as const) {
      const letter = await seedSignedLetter(svc.deps, { institutionId, status });
      const err = await queueLetter(ctx(), principal(), letter.letterId).catch((e: unknown) => e);
      expect(isAppError(err, 'WRONG_STATE')).toBe(true);
      expect((err as Error).message).toContain(words);
    }
    const letter = await seedSignedLetter(svc.deps, { institutionId });
    const other = await queueLetter(ctx(), cliPrincipal('someone-else', 'signer'), letter.letterId).catch((e: unknown) => e);
    expect(isAppError(other, 'LETTER_NOT_FOUND')).toBe(true);
  });

  it('queues once: a repeated call finds the letter queued and builds nothing new; the audit log has one letter.queued', async () => {
    const letter = await seedSignedLetter(svc.deps, { institutionId });
    const [a, b] = await Promise.all([
      queueLetter(ctx(), principal(), letter.letterId),
      queueLetter(ctx(), principal(), letter.letterId),
    ]);
    expect([a, b].sort()).toEqual(['already_queued', 'queued']);
    const { row } = await storedMessage(letter.letterId);
    expect(await queueLetter(ctx(), principal(), letter.letterId)).toBe('already_queued');
    const again = await storedMessage(letter.letterId);
    expect(again.row.eml_sha256).toBe(row.eml_sha256);
    const audit = await svc.deps.db.selectFrom('audit_log').selectAll().where('object_id', '=', letter.letterId).execute();
    expect(audit.map((e) => e.action)).toEqual(['letter.queued']);
    expect(JSON.parse(audit[0]!.details)).toEqual({ requeued: false, attachments: 3, messageBytes: expect.any(Number), emlSha256: row.eml_sha256 });
  });
});

async function countBlobs(svc: TestService): Promise<number> {
  const { execSync } = await import('node:child_process');
  return Number(execSync(`find ${svc.db.dataDir}/blobs -type f -not -path '*/tmp/*' | wc -l`).toString().trim());
}
