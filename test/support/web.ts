import { chromium, type Browser } from 'playwright-core';
import type { Response } from 'supertest';
import type { TestService } from './service';

/** The value of a cookie set by an answer, or undefined. */
export function setCookie(res: Response, name: string): { value: string; attributes: string } | undefined {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
  const line = raw?.find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair, ...attrs] = line.split(';');
  return { value: decodeURIComponent(pair!.slice(name.length + 1)), attributes: attrs.join(';').trim() };
}

/** The hidden `_csrf` field of a rendered form. */
export function formToken(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field on the page');
  return m[1]!;
}

export interface SignedIn {
  cookie: string;
  csrfToken: string;
}

/** Signs in through the login form, as a browser would; throws unless it worked. */
export async function signIn(svc: TestService, email: string, password: string): Promise<SignedIn> {
  const page = await svc.request.get('/login');
  const loginCsrf = setCookie(page, 'sutne_login_csrf')!.value;
  const res = await svc.request
    .post('/login')
    .set('Cookie', `sutne_login_csrf=${loginCsrf}`)
    .type('form')
    .send({ _csrf: formToken(page.text), email, password });
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}`);
  const cookie = `sutne_session=${setCookie(res, 'sutne_session')!.value}`;
  const home = await svc.request.get('/').set('Cookie', cookie);
  const meta = /<meta name="csrf-token" content="([^"]+)">/.exec(home.text);
  return { cookie, csrfToken: meta![1]! };
}

/** Debian's chromium, headless, as every browser test drives it (no browser downloads work here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
