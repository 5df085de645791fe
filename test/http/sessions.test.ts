import { createUser, LOCK_AFTER_FAILURES } from '../../src/access';
import { FakeClock, MINUTE } from '../support/clock';
import { dialects } from '../support/databases';
import { startTestService, type TestService } from '../support/service';
import { formToken, setCookie, signIn } from '../support/web';

const password = 'garš-un-drošs-parole-1';

describe.each(dialects)('web sessions on %s', (dialect) => {
  let svc: TestService;
  let clock: FakeClock;
  let institutionId: string;
  let adminId: string;
  let clerkId: string;
  beforeAll(async () => {
    clock = new FakeClock();
    svc = await startTestService(dialect, { SESSION_TTL_MINUTES: '30', LOGIN_ATTEMPTS_PER_MINUTE: '1000' }, { clock });
    institutionId = await svc.addInstitution();
    adminId = (await createUser(svc.deps, { institutionId, role: 'admin', email: 'Admin@Skola.lv', password, displayName: 'Ilze Admina' }, 'test')).id;
    clerkId = (await createUser(svc.deps, { institutionId, role: 'clerk', email: 'lietvede@skola.lv', password }, 'test')).id;
  });
  afterAll(() => svc.close());

  it('serves a Latvian login page with labelled fields and a form token in a strict cookie', async () => {
    const res = await svc.request.get('/login');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('<html lang="lv">');
    expect(res.text).toContain('<h1 id="login-title">Pieteikties</h1>');
    expect(res.text).toMatch(/<label for="email">E-pasts<\/label>\s*<input id="email" name="email" type="email" autocomplete="username"/);
    expect(res.text).toMatch(/<label for="password">Parole<\/label>\s*<input id="password" name="password" type="password" autocomplete="current-password"/);
    const cookie = setCookie(res, 'sutne_login_csrf')!;
    expect(cookie.value).toBe(formToken(res.text));
    expect(cookie.attributes).toMatch(/HttpOnly/);
    expect(cookie.attributes).toMatch(/SameSite=Strict/);
    expect(cookie.attributes).not.toMatch(/Secure/);
  });

  it('signs in, sets a strict HttpOnly session cookie, and keeps only its hash', async () => {
    const page = await svc.request.get('/login');
    const res = await svc.request
      .post('/login')
      .set('Cookie', `sutne_login_csrf=${setCookie(page, 'sutne_login_csrf')!.value}`)
      .type('form')
      .send({ _csrf: formToken(page.text), email: '  admin@skola.LV ', password, next: '/lietas?x=1' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/lietas?x=1');
    const session = setCookie(res, 'sutne_session')!;
    expect(session.attributes).toMatch(/HttpOnly/);
    expect(session.attributes).toMatch(/SameSite=Strict/);
    expect(session.attributes).toMatch(/Path=\//);
    expect(session.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await svc.deps.db.selectFrom('sessions').selectAll().where('user_id', '=', adminId).execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(session.value);

    const home = await svc.request.get('/').set('Cookie', `sutne_session=${session.value}`);
    expect(home.status).toBe(200);
    expect(home.text).toContain('Ilze Admina (administrators)');
    expect(home.text).toMatch(/<form class="signout" method="post" action="\/logout">/);

    const audit = await svc.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'login.succeeded').execute();
    expect(audit.at(-1)).toMatchObject({ institution_id: institutionId, actor: `user:${adminId}`, object_id: adminId });
    expect(JSON.stringify(audit)).not.toMatch(/skola\.lv/i);
  });

  it('sends a signed-out visitor to the login page and back, never to another site', async () => {
    const res = await svc.request.get('/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2F');
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const page = await svc.request.get('/login');
      const login = await svc.request
        .post('/login')
        .set('Cookie', `sutne_login_csrf=${setCookie(page, 'sutne_login_csrf')!.value}`)
        .type('form')
        .send({ _csrf: formToken(page.text), email: 'lietvede@skola.lv', password, next });
      expect(login.headers.location).toBe('/');
    }
  });

  it('answers every failed sign-in the same way, whatever the reason', async () => {
    const disabledId = (await createUser(svc.deps, { institutionId, role: 'clerk', email: 'aizgajusi@skola.lv', password }, 'test')).id;
    await svc.deps.db.updateTable('users').set({ disabled_at: clock.now().toISOString() }).where('id', '=', disabledId).execute();
    const attempt = async (email: string, pw: string) => {
      const page = await svc.request.get('/login');
      const res = await svc.request
        .post('/login')
        .set('Cookie', `sutne_login_csrf=${setCookie(page, 'sutne_login_csrf')!.value}`)
        .type('form')
        .send({ _csrf: formToken(page.text), email, password: pw });
      return { status: res.status, session: setCookie(res, 'sutne_session'), text: res.text.replace(/value="[^"]*"/g, 'value=""') };
    };
    const unknown = await attempt('nav-tada@skola.lv', password);
    const wrong = await attempt('lietvede@skola.lv', 'nepareiza-parole-123');
    const disabled = await attempt('aizgajusi@skola.lv', password);
    for (const r of [unknown, wrong, disabled]) {
      expect(r.status).toBe(401);
      expect(r.session).toBeUndefined();
      expect(r.text).toBe(unknown.text);
    }
    expect(unknown.text).toContain('Nepareizs e-pasts vai parole');
    // The e-mail is never written to the audit log; an unknown one has no user id.
    const failed = await svc.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'login.failed').orderBy('at').execute();
    expect(JSON.stringify(failed)).not.toMatch(/skola\.lv/);
    expect(failed.find((e) => JSON.parse(e.details).reason === 'unknown_account')).toMatchObject({ object_id: null, actor: 'anonymous', institution_id: '_sutne' });
    expect(failed.find((e) => JSON.parse(e.details).reason === 'disabled')).toMatchObject({ object_id: disabledId, institution_id: institutionId });
    expect((await svc.deps.audit.verify()).valid).toBe(true);
  });

  it('locks an account after repeated failures, with the same answer, and lets it in after the lock', async () => {
    const email = 'slēdzamā@skola.lv'.normalize('NFC');
    const id = (await createUser(svc.deps, { institutionId, role: 'clerk', email, password }, 'test')).id;
    for (let i = 0; i < LOCK_AFTER_FAILURES; i++) {
      await expect(signIn(svc, email, 'nepareiza-parole-123')).rejects.toThrow('401');
    }
    const user = await svc.deps.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(user.failed_logins).toBe(LOCK_AFTER_FAILURES);
    expect(user.locked_until! > clock.now().toISOString()).toBe(true);
    // The right password during the lock is refused like any other failure.
    await expect(signIn(svc, email, password)).rejects.toThrow('401');
    clock.advance(2 * MINUTE);
    await expect(signIn(svc, email, password)).resolves.toMatchObject({ cookie: expect.any(String) });
    const after = await svc.deps.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ failed_logins: 0, locked_until: null, last_login_at: clock.now().toISOString() });
  });

  it('refuses a login form without its own token', async () => {
    const page = await svc.request.get('/login');
    const res = await svc.request
      .post('/login')
      .set('Cookie', 'sutne_login_csrf=cits')
      .type('form')
      .send({ _csrf: formToken(page.text), email: 'lietvede@skola.lv', password });
    expect(res.status).toBe(403);
    expect(setCookie(res, 'sutne_session')).toBeUndefined();
  });

  it('lets the API use the session, with the CSRF token on unsafe requests from our own origin', async () => {
    const me = await signIn(svc, 'admin@skola.lv', password);
    const list = await svc.request.get('/api/v1/users').set('Cookie', me.cookie);
    expect(list.status).toBe(200);
    expect(list.headers['cache-control']).toBe('no-store');

    const noToken = await svc.request.post('/api/v1/apikeys').set('Cookie', me.cookie).send({ role: 'clerk' });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('CSRF_FAILED');
    const wrongToken = await svc.request.post('/api/v1/apikeys').set('Cookie', me.cookie).set('X-CSRF-Token', 'x'.repeat(43)).send({ role: 'clerk' });
    expect(wrongToken.status).toBe(403);
    const otherSite = await svc.request
      .post('/api/v1/apikeys')
      .set('Cookie', me.cookie)
      .set('X-CSRF-Token', me.csrfToken)
      .set('Origin', 'https://evil.example')
      .send({ role: 'clerk' });
    expect(otherSite.status).toBe(403);
    expect(await svc.deps.db.selectFrom('api_keys').select('id').where('role', '=', 'clerk').execute()).toHaveLength(0);

    const ok = await svc.request.post('/api/v1/apikeys').set('Cookie', me.cookie).set('X-CSRF-Token', me.csrfToken).send({ role: 'clerk' });
    expect(ok.status).toBe(201);
    // An API key needs no CSRF token.
    const admin = await svc.apiKey(institutionId, 'admin');
    expect((await svc.request.post('/api/v1/apikeys').set('Authorization', `Bearer ${admin}`).send({ role: 'clerk' })).status).toBe(201);
  });

  it('slides the expiry with use, and ends an idle session', async () => {
    const me = await signIn(svc, 'lietvede@skola.lv', password);
    clock.advance(20 * MINUTE);
    expect((await svc.request.get('/').set('Cookie', me.cookie)).status).toBe(200);
    clock.advance(20 * MINUTE);
    expect((await svc.request.get('/').set('Cookie', me.cookie)).status).toBe(200);
    clock.advance(31 * MINUTE);
    const page = await svc.request.get('/').set('Cookie', me.cookie);
    expect(page.status).toBe(303);
    expect(setCookie(page, 'sutne_session')!.value).toBe('');
    const api = await svc.request.get('/api/v1/users').set('Cookie', me.cookie);
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('ends a session however active it is after its maximum lifetime', async () => {
    const me = await signIn(svc, 'lietvede@skola.lv', password);
    for (let i = 0; i < 50; i++) {
      clock.advance(29 * MINUTE);
      if ((await svc.request.get('/').set('Cookie', me.cookie)).status !== 200) break;
    }
    expect((await svc.request.get('/').set('Cookie', me.cookie)).status).toBe(303);
    const row = await svc.deps.db.selectFrom('sessions').select(['created_at', 'expires_at']).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(Date.parse(row.expires_at) - Date.parse(row.created_at)).toBeLessThanOrEqual(24 * 60 * MINUTE);
  });

  it('signs out with the form token: the cookie is cleared and the session is dead', async () => {
    const me = await signIn(svc, 'lietvede@skola.lv', password);
    const forged = await svc.request.post('/logout').set('Cookie', me.cookie).type('form').send({ _csrf: 'nav' });
    expect(forged.status).toBe(403);
    expect((await svc.request.get('/').set('Cookie', me.cookie)).status).toBe(200);

    const out = await svc.request.post('/logout').set('Cookie', me.cookie).type('form').send({ _csrf: me.csrfToken });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect(setCookie(out, 'sutne_session')!.value).toBe('');
    expect((await svc.request.get('/api/v1/users').set('Cookie', me.cookie)).status).toBe(401);
    const logout = await svc.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'logout').execute();
    expect(logout.at(-1)).toMatchObject({ actor: `user:${clerkId}`, object_id: clerkId });
  });

  it('replaces a session the browser already had when signing in again', async () => {
    const first = await signIn(svc, 'lietvede@skola.lv', password);
    const page = await svc.request.get('/login');
    const again = await svc.request
      .post('/login')
      .set('Cookie', [`sutne_login_csrf=${setCookie(page, 'sutne_login_csrf')!.value}`, first.cookie].join('; '))
      .type('form')
      .send({ _csrf: formToken(page.text), email: 'lietvede@skola.lv', password });
    expect(again.status).toBe(303);
    expect(setCookie(again, 'sutne_session')!.value).not.toBe(first.cookie.split('=')[1]);
    expect((await svc.request.get('/api/v1/users').set('Cookie', first.cookie)).status).toBe(401);
  });

  it('lets an admin sign a user out everywhere, and disabling or a new role ends sessions too', async () => {
    const admin = await svc.apiKey(institutionId, 'admin');
    const a = await signIn(svc, 'lietvede@skola.lv', password);
    const b = await signIn(svc, 'lietvede@skola.lv', password);
    const ended = await svc.request.delete(`/api/v1/users/${clerkId}/sessions`).set('Authorization', `Bearer ${admin}`);
    expect(ended.body).toEqual({ ended: expect.any(Number) });
    expect(ended.body.ended).toBeGreaterThanOrEqual(2);
    for (const s of [a, b]) expect((await svc.request.get('/').set('Cookie', s.cookie)).status).toBe(303);

    const c = await signIn(svc, 'lietvede@skola.lv', password);
    expect((await svc.request.patch(`/api/v1/users/${clerkId}`).set('Authorization', `Bearer ${admin}`).send({ role: 'signer' })).status).toBe(204);
    expect((await svc.request.get('/').set('Cookie', c.cookie)).status).toBe(303);

    const d = await signIn(svc, 'lietvede@skola.lv', password);
    expect((await svc.request.patch(`/api/v1/users/${clerkId}`).set('Authorization', `Bearer ${admin}`).send({ disabled: true })).status).toBe(204);
    expect((await svc.request.get('/').set('Cookie', d.cookie)).status).toBe(303);
    await expect(signIn(svc, 'lietvede@skola.lv', password)).rejects.toThrow('401');
    expect((await svc.request.patch(`/api/v1/users/${clerkId}`).set('Authorization', `Bearer ${admin}`).send({ disabled: false, role: 'clerk' })).status).toBe(204);
    await expect(signIn(svc, 'lietvede@skola.lv', password)).resolves.toBeDefined();
  });

  it('does not let a person change their own role or disable themselves', async () => {
    const me = await signIn(svc, 'admin@skola.lv', password);
    const res = await svc.request.patch(`/api/v1/users/${adminId}`).set('Cookie', me.cookie).set('X-CSRF-Token', me.csrfToken).send({ role: 'clerk' });
    expect(res.status).toBe(409);
    const system = await svc.request.patch(`/api/v1/users/${clerkId}`).set('Cookie', me.cookie).set('X-CSRF-Token', me.csrfToken).send({ role: 'system' });
    expect(system.status).toBe(400);
    expect(system.body.error.details[0].path).toBe('role');
  });
});

describe('sign-in attempts per address', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService('sqlite', { LOGIN_ATTEMPTS_PER_MINUTE: '3' });
  });
  afterAll(() => svc.close());

  it('answers 429 with the login page once an address has tried too often', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const page = await svc.request.get('/login');
      const res = await svc.request
        .post('/login')
        .set('Cookie', `sutne_login_csrf=${setCookie(page, 'sutne_login_csrf')!.value}`)
        .type('form')
        .send({ _csrf: formToken(page.text), email: 'x@skola.lv', password: 'nepareiza-parole-1' });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.text).toContain('Pārāk daudz pieteikšanās mēģinājumu');
        expect(res.headers['retry-after']).toBeDefined();
      }
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
