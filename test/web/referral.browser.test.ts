import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createUser } from '../../src/access';
import { loadConfig } from '../../src/config';
import { addInstitution } from '../../src/institutions';
import { startService, type RunningService } from '../../src/main';
import { pdf } from '../cases/sample-files';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { schoolInstitution } from '../support/service';
import { launchChromium } from '../support/web';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const password = 'garš-un-drošs-parole-1';
const axeSource = readAxe();

function readAxe(): string {
  try {
    return fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    throw new Error('axe-core is not installed in node_modules: it is a devDependency since the web UI landed; run `npm install` (or `npm ci`).');
  }
}
const screenshots = path.resolve(__dirname, '../../test-output/screenshots');



/**
 * The whole referral as a school's director does it in a real browser (Debian's chromium), with
 * the pages' script on: sign in, a case with a work material, the routing preview, the letter's
 * PDF, signing after a confirmation, sending to a real SMTP server, the register; then an auditor
 * exports, and the signed PDF is verified. Every page is kept as a screenshot.
 */
describe('a referral through the web pages, in chromium', () => {
  let tdb: TestDatabase;
  let sink: SmtpSink;
  let service: RunningService;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(screenshots, { recursive: true });
    tdb = await createTestDatabase('sqlite');
    sink = await startSmtpSink();
    service = await startService(loadConfig({
      SUTNE_ENV: 'test', DATA_DIR: tdb.dataDir, LOG_LEVEL: 'silent', PORT: '0',
      SMTP_URL: sink.url, MAIL_FROM: 'sutne@skola.example.lv', MAIL_POLL_MS: '50',
    }));
    const institutionId = await addInstitution(service.deps, schoolInstitution, 'test');
    await createUser(service.deps, { institutionId, role: 'signer', email: 'direktors@skola.lv', password, displayName: 'Pēteris Kalniņš' }, 'test');
    await createUser(service.deps, { institutionId, role: 'auditor', email: 'auditore@skola.lv', password, displayName: 'Rita Auditore' }, 'test');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await sink?.stop();
    await tdb?.drop();
  });

  /** Keeps the page as a screenshot and checks it with axe-core (WCAG 2 A and AA: labels, contrast, names, structure). */
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
    // evaluate() runs beside the page's CSP, which rightly refuses any injected script tag.
    await page.evaluate(axeSource);
    const found = await page.evaluate(async () => {
      type Result = { id: string; nodes: Array<{ target: unknown }> };
      const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Result[]; passes: Result[] }> } }).axe;
      const r = await axe.run({ exclude: [['iframe.pdf']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      // A check that passed nothing did not look at the page.
      const ran = r.passes.some((p) => p.id === 'color-contrast') && r.passes.some((p) => p.id === 'label' || p.id === 'button-name');
      return [...(ran ? [] : ['axe did not check contrast and labels']), ...r.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`)];
    });
    for (const v of found) problems.push(`${name}: ${v}`);
  };
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
  };
  const signInAs = async (page: Page, email: string) => {
    await page.goto(`${service.url}/login`);
    await shot(page, '01-login');
    await page.getByLabel('E-pasts').fill(email);
    await page.getByLabel('Parole').fill(password);
    await page.getByRole('button', { name: 'Pieteikties' }).click();
    await page.waitForURL(`${service.url}/`);
  };

  // One clerk's session through the flow; each step starts where the last one left off.
  let context: BrowserContext;
  let page: Page;
  let letterUrl: string;
  let registrationNumber: string;
  beforeAll(async () => {
    context = await browser.newContext({ acceptDownloads: true, locale: 'lv-LV', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    watch(page);
  });
  afterAll(() => context?.close());
  afterEach(() => expect(problems.splice(0)).toEqual([]));

  it('signs in and creates a case with a work material, previewing its routing in place', async () => {
    await signInAs(page, 'direktors@skola.lv');
    await shot(page, '02-home');
    await page.getByRole('link', { name: 'Jauna lieta' }).click();
    await page.waitForURL(`${service.url}/cases/new`);

    const child = page.getByRole('group', { name: 'Bērns' });
    await child.getByLabel('Vārds, uzvārds').fill('Ģirts Ķēniņš');
    await child.getByLabel('Personas kods').fill('321099-10005');
    await child.getByLabel('Dzimšanas datums').fill('2014-03-09');
    await child.getByLabel('Klase vai grupa').fill('6.b klase');
    const parent = page.getByRole('group', { name: 'Vecāks vai aizbildnis 1' });
    await parent.getByLabel('Vārds, uzvārds').fill('Līga Ķēniņa');
    await parent.getByLabel('Radniecība').fill('māte');
    await parent.getByLabel('Tālrunis').fill('+371 20000001');
    await page.getByLabel('Sociālās problēmas ģimenē').check();
    await page.getByLabel('Kas novērots').fill('Skolēns regulāri ierodas bez pusdienām un piemērota apģērba.');
    const first = page.getByRole('group', { name: 'Darbība 1' });
    await first.getByLabel('Datums').fill('2026-10-06');
    await first.getByLabel('Kas rīkojās').selectOption('teacher');
    await first.getByLabel('Kas veica').fill('Klases audzinātāja Anna Bērziņa');
    await first.getByLabel('Kas darīts').fill('Saruna ar skolēnu; informēta sociālā pedagoģe.');
    // The script adds a row in place, numbered for the case's path.
    await page.getByRole('button', { name: 'Pievienot darbību' }).click();
    const second = page.getByRole('group', { name: 'Darbība 2' });
    expect(await second.getByLabel('Datums').getAttribute('name')).toBe('actionsTaken[1].date');
    await second.getByLabel('Datums').fill('2026-10-13');
    await second.getByLabel('Kas rīkojās').selectOption('support_staff');
    await second.getByLabel('Kas veica').fill('Sociālā pedagoģe Ilze Zāģere');
    await second.getByLabel('Kas darīts').fill('Trīs sarunas, nodrošinātas brīvpusdienas.');
    const signatory = page.getByRole('group', { name: 'Parakstītājs vēstulē' });
    await signatory.getByLabel('Vārds, uzvārds').fill('Pēteris Kalniņš');
    await signatory.getByLabel('Amats').fill('direktors');
    await page.getByLabel('Faili').setInputFiles({ name: 'sarunu-protokols.pdf', mimeType: 'application/pdf', buffer: await pdf('Sarunu protokols') });
    await expect(page.locator('[data-chosen] li').textContent()).resolves.toContain('sarunu-protokols.pdf');

    // The routing preview, in place: the chosen file stays chosen.
    await page.getByRole('button', { name: 'Pārbaudīt adresātus' }).click();
    const preview = page.locator('#routing-preview');
    await preview.locator('ul.recipients strong', { hasText: 'Aizkraukles novada Sociālais dienests' }).waitFor();
    expect(await preview.textContent()).toContain('Nav norādīts, ka vecāki informēti rakstiski');
    expect(await page.getByLabel('Faili').evaluate((el) => (el as unknown as { files: unknown[] }).files.length)).toBe(1);
    await shot(page, '03-new-case-preview');

    await page.getByRole('button', { name: 'Izveidot lietu un vēstules' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await shot(page, '04-case');
    expect(await page.textContent('#materials')).toContain('sarunu-protokols.pdf');
    const letterLink = page.locator('table.list a').first();
    registrationNumber = (await letterLink.textContent())!;
    await letterLink.click();
    await page.waitForURL(/\/letters\/[0-9a-f-]{36}$/);
    letterUrl = page.url();
    expect(await page.getAttribute('iframe.pdf', 'src')).toBe(`${new URL(letterUrl).pathname}/pdf`);
    expect(await page.locator('[data-status]').textContent()).toBe('Melnraksts');
    expect(await page.textContent('section[aria-labelledby="history-title"]')).toContain('attachment.uploaded');
    await shot(page, '05-letter-draft');
  });

  it('signs the letter after a confirmation step, sends it, and the status follows without a reload', async () => {
    await page.getByRole('link', { name: 'Parakstīt…' }).click();
    await page.waitForURL(/\/sign$/);
    expect(await page.textContent('main')).toContain(registrationNumber);
    expect(await page.textContent('main')).toContain('sarunu-protokols.pdf');
    await shot(page, '06-sign-confirm');
    await page.getByRole('button', { name: 'Apstiprinu un parakstu' }).click();
    await page.waitForURL(letterUrl);
    expect(await page.locator('[data-status]').textContent()).toBe('Parakstīta');
    await shot(page, '07-letter-signed');

    await page.evaluate(() => {
      (globalThis as unknown as { stayed: boolean }).stayed = true;
    });
    await page.getByRole('button', { name: 'Nosūtīt' }).click();
    await page.locator('[data-status]', { hasText: 'Nosūtīta' }).waitFor({ timeout: 20_000 });
    // The same document: no page load happened on the way.
    expect(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.locator('[data-message-id]').textContent()).toMatch(/^<.+>$/);
    expect(await page.textContent('section[data-sent]')).toMatch(/SMTP — 250/);
    await shot(page, '08-letter-sent');

    await sink.waitFor(1);
    const mail = await sink.received[0]!.parse();
    expect(mail.subject).toContain(registrationNumber);
    expect(sink.received[0]!.envelope.to).toEqual(['soccentrs@aizkraukle.lv']);
    expect(mail.attachments.map((a) => a.filename)).toEqual(expect.arrayContaining([expect.stringMatching(/\.pdf$/), 'sarunu-protokols.pdf']));

    await page.reload();
    expect(await page.textContent('section[aria-labelledby="history-title"]')).toContain('letter.signed');
    await page.getByRole('link', { name: 'Paraksta pārbaudes pārskats' }).click();
    await page.waitForURL(/\/verification$/);
    expect(await page.textContent('.verdict')).toBe('Derīgs');
    await shot(page, '09-letter-verification');
  });

  it('finds the letter in the register by its number, and shows the chrome in English on request', async () => {
    await page.getByRole('link', { name: 'Reģistrs' }).click();
    await page.getByLabel('Reģistrācijas numurs').fill(registrationNumber);
    await page.getByRole('button', { name: 'Meklēt' }).click();
    await page.waitForURL(/\/register\?/);
    const rows = page.locator('table.register tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Nosūtīta');
    await shot(page, '10-register');
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Register' }).waitFor();
    await shot(page, '11-register-en');
    await page.getByRole('link', { name: 'Latviski' }).click();
    await page.getByRole('heading', { name: 'Reģistrs' }).waitFor();
  });

  it('verifies an uploaded PDF and explains the verdict', async () => {
    const letterPdf = await (await context.request.get(`${letterUrl}/pdf`)).body();
    await page.getByRole('link', { name: 'Pārbaudīt parakstu' }).click();
    await page.getByLabel('PDF fails').setInputFiles({ name: 'vestule.pdf', mimeType: 'application/pdf', buffer: letterPdf });
    await page.getByRole('button', { name: 'Pārbaudīt' }).click();
    await page.locator('.verdict').waitFor();
    expect(await page.textContent('.verdict')).toBe('Derīgs');
    expect(await page.textContent('.headline')).toContain('Visi paraksti ir derīgi');
    await shot(page, '12-verify');
    await page.getByRole('button', { name: 'Iziet' }).click();
    await page.waitForURL(`${service.url}/login`);
  });

  it("exports the period as an auditor, following the progress bar to the archive's hash", async () => {
    await signInAs(page, 'auditore@skola.lv');
    await page.getByRole('link', { name: 'Eksports' }).click();
    await page.getByLabel('No (GGGG-MM-DD)').fill('2026-01-01');
    await page.getByLabel('Vēstules').selectOption('sent');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Sagatavot un lejupielādēt ZIP' }).click();
    const zip = await download;
    await page.locator('[data-export-progress][data-state="done"]').waitFor({ timeout: 20_000 });
    expect(await page.textContent('[data-export-status]')).toMatch(/Gatavs\. Arhīva SHA-256: [0-9a-f]{64}/);
    expect(await page.$eval('#export-bar', (el) => [(el as unknown as { value: number }).value, (el as unknown as { max: number }).max])).toEqual([1, 1]);
    expect(zip.suggestedFilename()).toMatch(/\.zip$/);
    const saved = path.join(screenshots, '..', 'export.zip');
    await zip.saveAs(saved);
    const bytes = fs.readFileSync(saved);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.includes(Buffer.from('sarunu-protokols.pdf'))).toBe(true);
    await shot(page, '13-export');
  });

  it('is usable at tablet width: the menu wraps and nothing scrolls sideways', async () => {
    const context = await browser.newContext({ locale: 'lv-LV', viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    await signInAs(page, 'direktors@skola.lv');
    await page.goto(`${service.url}/cases/new`);
    const overflow = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return d.documentElement.scrollWidth - d.documentElement.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    // The skip link comes first and takes keyboard focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent)).toBe('Pāriet uz saturu');
    await shot(page, '14-new-case-tablet');
    await context.close();
  });
});
