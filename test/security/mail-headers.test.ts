import { simpleParser, type ParsedMail } from 'mailparser';
import { cliPrincipal } from '../../src/access';
import { queueLetter } from '../../src/mail';
import { seedSignedLetter } from '../mail/fixtures';
import { startTestService, type TestService } from '../support/service';

/*
 * Case and institution text reaches an outgoing message in the sender's name, the recipient's
 * name, the subject (the letter's title) and the materials' file names. Whatever that text holds
 * — line breaks, header lines, very long lines, RFC 2047 encoded words that a mail client would
 * decode into something else — the message has exactly the headers Sūtne writes, goes to exactly
 * the recipient's addresses, and every value reads back as the plain text it was.
 */

const TOP_HEADERS = ['content-language', 'content-type', 'date', 'from', 'message-id', 'mime-version', 'reply-to', 'subject', 'to'];
const PART_HEADERS = new Set(['content-type', 'content-transfer-encoding', 'content-disposition']);

/** The header names of the message and of each of its MIME parts, read from the raw bytes. */
function headerNames(raw: Buffer): { top: string[]; parts: string[][] } {
  const text = raw.toString('latin1');
  const boundaries = new Set([...text.matchAll(/boundary="([^"]+)"/g)].map((m) => `--${m[1]}`));
  const blocks: string[][] = [];
  let current: string[] | undefined = [];
  blocks.push(current);
  for (const line of text.split('\r\n')) {
    if (boundaries.has(line)) {
      current = [];
      blocks.push(current);
    } else if (current && line === '') {
      current = undefined;
    } else if (current && !/^[ \t]/.test(line)) {
      current.push(line.slice(0, line.indexOf(':')).toLowerCase());
    }
  }
  return { top: blocks[0]!.sort(), parts: blocks.slice(1) };
}

const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('mail headers cannot be added or changed through case or institution text', () => {
  let svc: TestService;
  let institutionId: string;
  beforeAll(async () => {
    svc = await startTestService('sqlite', { MAIL_FROM: 'sutne@daugavkrasta.example.lv' });
    institutionId = await svc.addInstitution({
      id: 'viltus-skola', kind: 'school', regNo: '4312900009', address: 'Skolas iela 1, Aizkraukle', email: 'skola@example.lv', registerPrefix: '9-9',
      name: '=?utf-8?Q?Skola=0D=0ABcc:_spy@evil.example?=',
    });
  });
  afterAll(() => svc.close());

  async function queued(opts: Parameters<typeof seedSignedLetter>[1]): Promise<{ raw: Buffer; mail: ParsedMail; envelope: { from: string; to: string[] } }> {
    const letter = await seedSignedLetter(svc.deps, opts);
    expect(await queueLetter({ ...svc.deps, mailFrom: svc.config.mailFrom }, cliPrincipal(institutionId, 'signer'), letter.letterId)).toBe('queued');
    const row = await svc.deps.db.selectFrom('letters').selectAll().where('id', '=', letter.letterId).executeTakeFirstOrThrow();
    const raw = await svc.deps.blobs.get(row.eml_key!);
    return { raw, mail: await simpleParser(raw), envelope: JSON.parse(row.mail_envelope!) };
  }

  /** The same checks for every message: the header set, the recipients, no line past 998, no control character once decoded. */
  function expectOnlyOurHeaders(raw: Buffer, mail: ParsedMail, envelope: { to: string[] }, to: string[]): void {
    const names = headerNames(raw);
    expect(names.top).toEqual(TOP_HEADERS);
    for (const part of names.parts.filter((p) => p.length)) for (const name of part) expect(PART_HEADERS).toContain(name);
    for (const line of raw.toString('latin1').split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(mail.bcc).toBeUndefined();
    expect(mail.cc).toBeUndefined();
    expect([...mail.headers.keys()].sort()).toEqual(TOP_HEADERS);
    expect(envelope.to).toEqual(to);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).toEqual(to);
    const shown = [mail.subject, mail.from?.value[0]?.name, mail.replyTo?.value[0]?.name, ...(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.name) : []), ...mail.attachments.map((a) => a.filename)];
    for (const value of shown) expect(value).not.toMatch(CONTROLS);
  }

  it('CR/LF, header lines and very long lines in the title, the names and the file names', async () => {
    const to = ['soccentrs@aizkraukle.lv'];
    const { raw, mail, envelope } = await queued({
      institutionId, registerPrefix: '9-9',
      title: `Par\r\nBcc: evil@example.com\r\nSubject: fake\n\n${'ļoti garš '.repeat(500)}`,
      recipient: { key: 'social_service', name: 'Dienests\r\nTo: more@evil.example\r\nCc: cc@evil.example', emails: to },
      materials: [
        { filename: 'akts.pdf\r\nBcc: bcc@evil.example', content: Buffer.from('one'), contentType: 'application/pdf' },
        { filename: `a\r\n\r\n${'x'.repeat(5000)}.pdf`, content: Buffer.from('two'), contentType: 'application/pdf' },
        { filename: 'b.pdf"; name="evil.exe', content: Buffer.from('three'), contentType: 'application/pdf' },
      ],
    });
    expectOnlyOurHeaders(raw, mail, envelope, to);
    expect(mail.subject).toMatch(/^Nr\. 9-9\/2026\/\d+ — Par Bcc: evil@example\.com Subject: fake ļoti garš/);
    expect(mail.attachments.map((a) => a.filename).slice(1)).toEqual([
      'akts.pdf Bcc: bcc@evil.example', expect.stringMatching(/^a x+….pdf$/), 'b.pdf"; name="evil.exe',
    ]);
    expect(mail.attachments.map((a) => a.content.toString()).slice(1)).toEqual(['one', 'two', 'three']);
  });

  it('encoded words (=?utf-8?…?=) are written so that a mail client shows them as the text they are', async () => {
    const to = ['pasts@vp.gov.lv'];
    const word = (s: string) => `=?utf-8?B?${Buffer.from(s).toString('base64')}?=`;
    const { raw, mail, envelope } = await queued({
      institutionId, registerPrefix: '9-9',
      // ASCII only, so nodemailer would otherwise write it as it stands.
      title: `Par ${word('\r\nBcc: evil@example.com')} and =?utf-8?Q?x=0D=0ACc:_c@evil.example?=`,
      recipient: { key: 'state_police', name: word('Valsts policija\r\nBcc: b@evil.example'), emails: to },
      materials: [
        { filename: word('rēķins.exe'), content: Buffer.from('one'), contentType: 'application/pdf' },
        { filename: 'ok =?utf-8?Q?evil.exe?= x.pdf', content: Buffer.from('two'), contentType: 'application/pdf' },
      ],
    });
    expectOnlyOurHeaders(raw, mail, envelope, to);
    // Nothing decoded into another text: each value is what was written, its "=?" broken.
    expect(mail.from?.value[0]?.name).toBe('= ?utf-8?Q?Skola=0D=0ABcc:_spy@evil.example?=');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.name : undefined).toBe(`= ?utf-8?B?${Buffer.from('Valsts policija\r\nBcc: b@evil.example').toString('base64')}?=`);
    expect(mail.subject).toContain('Par = ?utf-8?B?');
    expect(mail.subject).toContain('and = ?utf-8?Q?x=0D=0ACc:_c@evil.example?=');
    expect(mail.attachments.map((a) => a.filename).slice(1)).toEqual([`= ?utf-8?B?${Buffer.from('rēķins.exe').toString('base64')}?=`, 'ok = ?utf-8?Q?evil.exe?= x.pdf']);
    // The Content-Type name parameter (which some clients show instead) holds no encoded word either.
    for (const m of raw.toString('latin1').matchAll(/name="([^"]*)"/g)) expect(m[1]).not.toMatch(/=\?[^?]+\?[BQbq]\?/);
  });
});
