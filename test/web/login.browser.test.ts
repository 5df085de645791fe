import type { Browser } from 'playwright-core';
import { createUser } from '../../src/access';
import { loadConfig } from '../../src/config';
import { startService, type RunningService } from '../../src/main';
import { addInstitution } from '../../src/institutions';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { schoolInstitution } from '../support/service';
import { launchChromium } from '../support/web';

const password = 'garš-un-drošs-parole-1';

describe('signing in with a real browser', () => {
  let tdb: TestDatabase;
  let service: RunningService;
  let browser: Browser;
  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    service = await startService(loadConfig({ SUTNE_ENV: 'test', DATA_DIR: tdb.dataDir, LOG_LEVEL: 'silent', PORT: '0' }));
    const institutionId = await addInstitution(service.deps, schoolInstitution, 'test');
    await createUser(service.deps, { institutionId, role: 'signer', email: 'direktors@skola.lv', password, displayName: 'Pēteris Kalniņš' }, 'test');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await tdb?.drop();
  });

  it('signs in through the form by its labels, under the CSP, and signs out', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(`${service.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.getByLabel('E-pasts').fill('direktors@skola.lv');
    await page.getByLabel('Parole').fill('nepareiza-parole-1');
    await page.getByRole('button', { name: 'Pieteikties' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Nepareizs e-pasts vai parole');
    expect(await page.getByLabel('E-pasts').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Parole').fill(password);
    await page.getByRole('button', { name: 'Pieteikties' }).click();
    await page.waitForURL(`${service.url}/`);
    expect(await page.textContent('main')).toContain('Pēteris Kalniņš (parakstītājs)');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'sutne_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // The stylesheet applied: the CSP let our own CSS in.
    expect(await page.$eval('header.site', (el) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(el).display)).toBe('flex');

    await page.getByRole('button', { name: 'Iziet' }).click();
    await page.waitForURL(`${service.url}/login`);
    expect((await page.context().cookies()).find((c) => c.name === 'sutne_session')).toBeUndefined();
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    await page.close();
  });
});
