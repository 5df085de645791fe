import { createUser } from '../../src/access';
import { exampleCase } from '../cases/scheme-fixture';
import { pdf } from '../cases/sample-files';
import { startTestService, type TestService } from '../support/service';
import { signIn, type SignedIn } from '../support/web';
import { formFieldsOf } from './case-form-fields';

const password = 'garš-un-drošs-parole-1';

describe('web pages without JavaScript', () => {
  let svc: TestService;
  let clerk: SignedIn;
  let signer: SignedIn;
  let otherClerk: SignedIn;
  let auditor: SignedIn;

  const postCase = (who: SignedIn, fields: Array<[string, string]>, files: Array<[Buffer, string]> = [], csrf: string | null = who.csrfToken) => {
    let req = svc.request.post('/cases/new').set('Cookie', who.cookie);
    if (csrf !== null) req = req.field('_csrf', csrf);
    for (const [k, v] of fields) req = req.field(k, v);
    for (const [content, name] of files) req = req.attach('files', content, name);
    return req;
  };

  /** A case from the form, by `who`; answers the case page's path and its first letter's id. */
  const newLetter = async (who: SignedIn) => {
    const created = await postCase(who, formFieldsOf(exampleCase('social-problems')));
    const casePath = created.headers.location!;
    const casePage = await svc.request.get(casePath).set('Cookie', who.cookie);
    return { casePath, caseId: casePath.split('/').pop()!, letterId: /href="\/letters\/([0-9a-f-]{36})"/.exec(casePage.text)![1]! };
  };

  beforeAll(async () => {
    svc = await startTestService('sqlite');
    const school = await svc.addInstitution();
    const other = await svc.addInstitution({ id: 'cita-skola', kind: 'school', name: 'Cita skola', regNo: '4312900002', address: 'Cita iela 1, Aizkraukle, LV-5101', email: 'cita@example.lv', registerPrefix: '2-1' });
    await createUser(svc.deps, { institutionId: school, role: 'clerk', email: 'lietvede@skola.lv', password, displayName: 'Inga Lietvede' }, 'test');
    await createUser(svc.deps, { institutionId: school, role: 'signer', email: 'direktors@skola.lv', password, displayName: 'Pēteris Kalniņš' }, 'test');
    await createUser(svc.deps, { institutionId: other, role: 'clerk', email: 'lietvede@cita.lv', password, displayName: 'Cita Lietvede' }, 'test');
    clerk = await signIn(svc, 'lietvede@skola.lv', password);
    signer = await signIn(svc, 'direktors@skola.lv', password);
    otherClerk = await signIn(svc, 'lietvede@cita.lv', password);
    await createUser(svc.deps, { institutionId: school, role: 'auditor', email: 'auditore@skola.lv', password, displayName: 'Rita Auditore' }, 'test');
    auditor = await signIn(svc, 'auditore@skola.lv', password);
  });
  afterAll(() => svc?.close());

  it('creates a case with a work material from a plain form post, and shows its routing and letters', async () => {
    const res = await postCase(clerk, formFieldsOf(exampleCase('social-problems')), [[await pdf('Sarunu protokols'), 'protokols.pdf']]);
    expect(res.status).toBe(303);
    const casePage = await svc.request.get(res.headers.location!).set('Cookie', clerk.cookie);
    expect(casePage.status).toBe(200);
    expect(casePage.text).toContain('Aizkraukles novada Sociālais dienests');
    expect(casePage.text).toContain('protokols.pdf');
    const letterLink = /href="\/letters\/([0-9a-f-]{36})"/.exec(casePage.text)![1]!;
    const letterPage = await svc.request.get(`/letters/${letterLink}`).set('Cookie', clerk.cookie);
    expect(letterPage.status).toBe(200);
    expect(letterPage.text).toContain(`<iframe class="pdf" src="/letters/${letterLink}/pdf"`);
    expect(letterPage.text).toContain('case.created');
    const pdfRes = await svc.request.get(`/letters/${letterLink}/pdf`).set('Cookie', clerk.cookie).buffer(true);
    expect(pdfRes.headers['content-type']).toBe('application/pdf');
  });

  it('shows each validation problem beside its field, in Latvian, and keeps what was typed', async () => {
    const c = exampleCase('social-problems');
    (c.child as Record<string, unknown>).fullName = '';
    (c.actionsTaken as Array<Record<string, unknown>>)[1]!.date = '2026-02-30';
    c.grounds = [];
    const res = await postCase(clerk, formFieldsOf(c));
    expect(res.status).toBe(400);
    const html = res.text;
    expect(html).toMatch(/<input id="f-actionsTaken-1-date" name="actionsTaken\[1\]\.date" type="date" value="2026-02-30" required aria-invalid="true" aria-describedby="f-actionsTaken-1-date-error">\s*<p class="field-error" id="f-actionsTaken-1-date-error">jābūt reālam datumam formātā GGGG-MM-DD<\/p>/);
    expect(html).toMatch(/id="f-child-fullName"[^>]*aria-describedby="f-child-fullName-error">\s*<p class="field-error" id="f-child-fullName-error">obligāts lauks<\/p>/);
    expect(html).toContain('<p class="field-error" id="f-grounds-error">jānorāda vismaz viens pamats</p>');
    expect(html).toContain('value="Sociālā pedagoģe Ilze Zāģere"');
    expect(html).toContain('<a href="#f-actionsTaken-1-date">');
  });

  it('previews the routing without storing anything', async () => {
    const before = await svc.request.get('/register').set('Cookie', clerk.cookie);
    const rows = (before.text.match(/<tr>/g) ?? []).length;
    const res = await postCase(clerk, [...formFieldsOf(exampleCase('police')), ['op', 'preview']]);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Valsts policija');
    expect(res.text).toMatch(/id="routing-preview"/);
    const after = await svc.request.get('/register').set('Cookie', clerk.cookie);
    expect((after.text.match(/<tr>/g) ?? []).length).toBe(rows);
  });

  it('refuses a form post without the CSRF token', async () => {
    const res = await postCase(clerk, formFieldsOf(exampleCase('social-problems')), [], null);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Pieeja liegta');
  });

  it("answers another institution's letter and case as not found", async () => {
    const { caseId, letterId } = await newLetter(clerk);
    for (const path of [`/letters/${letterId}`, `/letters/${letterId}/pdf`, `/cases/${caseId}`]) {
      const res = await svc.request.get(path).set('Cookie', otherClerk.cookie);
      expect(res.status).toBe(404);
      expect(res.text).toContain('Nav atrasts');
    }
  });

  it('lets only a signer sign or send, and signs only what the confirmation showed', async () => {
    const { letterId } = await newLetter(clerk);
    const asClerk = await svc.request.get(`/letters/${letterId}/sign`).set('Cookie', clerk.cookie);
    expect(asClerk.status).toBe(403);
    const letterPage = await svc.request.get(`/letters/${letterId}`).set('Cookie', clerk.cookie);
    expect(letterPage.text).not.toContain(`/letters/${letterId}/sign`);
    const asSigner = await svc.request.get(`/letters/${letterId}/sign`).set('Cookie', signer.cookie);
    expect(asSigner.status).toBe(200);
    expect(asSigner.text).toContain('Apstiprinu un parakstu');
    const sha = /<code>([0-9a-f]{64})<\/code>/.exec(asSigner.text)![1]!;

    const post = (who: SignedIn, fields: Record<string, string>) =>
      svc.request.post(`/letters/${letterId}/sign`).set('Cookie', who.cookie).type('form').send(fields);
    const refused = await post(clerk, { _csrf: clerk.csrfToken, pdfSha256: sha });
    expect(refused.status).toBe(403);
    expect((await post(signer, { pdfSha256: sha })).status).toBe(403);
    // Only the bytes the signer was shown are signed.
    expect((await post(signer, { _csrf: signer.csrfToken, pdfSha256: '0'.repeat(64) })).status).toBe(409);
    expect((await svc.request.get(`/letters/${letterId}`).set('Cookie', signer.cookie)).text).toContain('Melnraksts');
    const signed = await post(signer, { _csrf: signer.csrfToken, pdfSha256: sha });
    expect(signed.status).toBe(303);
    const page = await svc.request.get(`/letters/${letterId}`).set('Cookie', signer.cookie);
    expect(page.text).toContain('Parakstīta');
    const send = await svc.request.post(`/letters/${letterId}/send`).set('Cookie', clerk.cookie).type('form').send({ _csrf: clerk.csrfToken });
    expect(send.status).toBe(403);
    expect((await svc.request.get(`/letters/${letterId}/message`).set('Cookie', signer.cookie)).status).toBe(404);

    const sent = await svc.request.post(`/letters/${letterId}/send`).set('Cookie', signer.cookie).type('form').send({ _csrf: signer.csrfToken });
    expect(sent.status).toBe(303);
    const message = await svc.request.get(`/letters/${letterId}/message`).set('Cookie', clerk.cookie).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(message.status).toBe(200);
    expect(message.headers['content-type']).toBe('message/rfc822');
    const registrationNumber = /<h1>Vēstule ([^<]+)<\/h1>/.exec(page.text)![1]!;
    expect((message.body as Buffer).toString('utf8')).toMatch(new RegExp(`^Subject: .*${registrationNumber.replace(/\//g, '\\/')}`, 'm'));
    expect((await svc.request.get(`/letters/${letterId}/message`).set('Cookie', otherClerk.cookie)).status).toBe(404);
    // The history names people, not ids, and records who read the message.
    const history = (await svc.request.get(`/letters/${letterId}`).set('Cookie', clerk.cookie)).text;
    expect(history).toMatch(/Vēstule parakstīta <code>letter\.signed<\/code><\/td><td>Pēteris Kalniņš<\/td>/);
    expect(history).toMatch(/<code>letter\.message_viewed<\/code><\/td><td>Inga Lietvede<\/td>/);
  });

  it('adds work materials to a case from a plain form, and refuses a file of a kind that cannot be attached beside the field', async () => {
    const created = await postCase(clerk, formFieldsOf(exampleCase('social-problems')));
    const casePath = created.headers.location!;
    const added = await svc.request.post(`${casePath}/materials`).set('Cookie', clerk.cookie)
      .field('_csrf', clerk.csrfToken).attach('files', await pdf('Papildu atzinums'), 'atzinums.pdf');
    expect(added.status).toBe(303);
    expect((await svc.request.get(casePath).set('Cookie', clerk.cookie)).text).toContain('atzinums.pdf');

    const cases = async () => (await svc.deps.db.selectFrom('cases').select('id').execute()).length;
    const before = await cases();
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(512)]);
    const refused = await postCase(clerk, formFieldsOf(exampleCase('police')), [[exe, 'programma.exe']]);
    expect(refused.status).toBe(415);
    expect(refused.text).toMatch(/id="f-files"[^>]*aria-describedby="f-files-hint f-files-error" aria-invalid="true">/);
    expect(refused.text).toMatch(/<p class="field-error" id="f-files-error">[^<]*programma\.exe/);
    // What was typed is kept; nothing was stored.
    expect(refused.text).toContain('value="Žanis Čakste"');
    expect(await cases()).toBe(before);
  });

  it('tells a signer in plain words when the institution requires another person to sign', async () => {
    const strict = await svc.addInstitution({
      id: 'stingra-skola', kind: 'school', name: 'Stingrā skola', regNo: '4312900003', address: 'Skolas iela 9, Aizkraukle, LV-5101',
      email: 'stingra@example.lv', registerPrefix: '3-1', settings: { requireSeparateSigner: true },
    });
    await createUser(svc.deps, { institutionId: strict, role: 'signer', email: 'direktore@stingra.lv', password, displayName: 'Dace Direktore' }, 'test');
    const director = await signIn(svc, 'direktore@stingra.lv', password);
    const { letterId } = await newLetter(director);
    const confirm = await svc.request.get(`/letters/${letterId}/sign`).set('Cookie', director.cookie);
    const sha = /<code>([0-9a-f]{64})<\/code>/.exec(confirm.text)![1]!;
    const res = await svc.request.post(`/letters/${letterId}/sign`).set('Cookie', director.cookie).type('form').send({ _csrf: director.csrfToken, pdfSha256: sha });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Šo vēstuli sagatavojāt jūs; iestāde prasa, lai to parakstītu cits cilvēks.');
  });

  it('accepts the draft signed elsewhere, and says beside the field why anything else is refused', async () => {
    const { letterId } = await newLetter(clerk);
    const draft = (await svc.request.get(`/letters/${letterId}/pdf`).set('Cookie', signer.cookie).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
    })).body as Buffer;
    const upload = (file: Buffer) =>
      svc.request.post(`/letters/${letterId}/signed-pdf`).set('Cookie', signer.cookie).field('_csrf', signer.csrfToken).attach('file', file, 'parakstits.pdf');

    const other = await upload(await pdf('Cits dokuments'));
    expect(other.status).toBe(422);
    expect(other.text).toMatch(/id="f-signed"[^>]*aria-invalid="true" aria-describedby="f-signed-error">/);
    expect(other.text).toContain('does not begin with this letter');
    const signed = await svc.deps.signing.signPdf(draft);
    // The draft, then a signature whose signed bytes were changed afterwards.
    const tampered = Buffer.from(signed.pdf);
    const claimedTime = tampered.indexOf('/M (D:', draft.length);
    expect(claimedTime).toBeGreaterThan(draft.length);
    tampered[claimedTime + 8] = tampered[claimedTime + 8] === 0x31 ? 0x32 : 0x31;
    const broken = await upload(tampered);
    expect(broken.status).toBe(422);
    expect(broken.text).toContain('The signed PDF was not accepted');
    expect(broken.text).toMatch(/<li><code>signatures\[0\]\.digest<\/code>: /);
    expect((await svc.request.post(`/letters/${letterId}/signed-pdf`).set('Cookie', clerk.cookie).field('_csrf', clerk.csrfToken).attach('file', draft, 'x.pdf')).status).toBe(403);

    const accepted = await upload(signed.pdf);
    expect(accepted.status).toBe(303);
    const page = await svc.request.get(`/letters/${letterId}`).set('Cookie', signer.cookie);
    expect(page.text).toMatch(/data-status role="status">Parakstīta</);
    expect(page.text).toMatch(/Vēstule parakstīta <code>letter\.signed<\/code><\/td><td>Pēteris Kalniņš<\/td>/);
  });

  it('cancels a letter with a reason, which is required', async () => {
    const { letterId } = await newLetter(clerk);
    const cancel = (reason: string) =>
      svc.request.post(`/letters/${letterId}/cancel`).set('Cookie', clerk.cookie).type('form').send({ _csrf: clerk.csrfToken, reason });
    const empty = await cancel(' ');
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/aria-describedby="f-reason-hint f-reason-error" aria-invalid="true">/);
    expect(empty.text).toContain('<p class="field-error" id="f-reason-error">norādiet iemeslu (3–500 rakstzīmes)</p>');
    expect(empty.text).toContain('Melnraksts');
    const done = await cancel('Ģimene pārcēlusies uz citu novadu');
    expect(done.status).toBe(303);
    const page = await svc.request.get(`/letters/${letterId}`).set('Cookie', clerk.cookie);
    expect(page.text).toContain('Ģimene pārcēlusies uz citu novadu');
    expect(page.text).toMatch(/data-status role="status">Atcelta</);
    expect(page.text).not.toContain(`action="/letters/${letterId}/cancel"`);
  });

  it('exports a period as a ZIP from a plain form, for auditors only, with a bad date named beside its field', async () => {
    await newLetter(clerk);
    expect((await svc.request.get('/export').set('Cookie', clerk.cookie)).status).toBe(403);
    const bad = await svc.request.get('/export/download?from=2026-02-30').set('Cookie', auditor.cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="f-from"[^>]*aria-invalid="true" aria-describedby="f-from-error">\s*<p class="field-error" id="f-from-error">/);
    const zip = await svc.request.get('/export/download?from=2026-01-01&letters=all').set('Cookie', auditor.cookie).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(zip.status).toBe(200);
    expect(zip.headers['content-disposition']).toMatch(/^attachment; filename=".+\.zip"$/);
    expect((zip.body as Buffer).subarray(0, 2).toString('latin1')).toBe('PK');
    expect((zip.body as Buffer).includes(Buffer.from('manifest.json'))).toBe(true);
  });

  it('lists letters by status on the start page and in the register, in English when switched', async () => {
    const home = await svc.request.get('/').set('Cookie', signer.cookie);
    expect(home.text).toContain('Melnraksts');
    expect(home.text).toMatch(/href="\/letters\/[0-9a-f-]{36}">1-13\/\d{4}\/\d+<\/a>/);
    const en = await svc.request.get('/register?lang=en&status=draft').set('Cookie', signer.cookie);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Registration number');
    expect(en.headers['set-cookie']!.toString()).toContain('sutne_lang=en');
    const bad = await svc.request.get('/register?from=2026-13-01').set('Cookie', signer.cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="f-from"[^>]*aria-invalid="true" aria-describedby="f-from-error"/);
  });
});
