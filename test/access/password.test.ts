import { hashPassword, logIn, needsRehash, setPasswordCost, verifyPassword } from '../../src/access';
import { createUser } from '../../src/access';
import { startTestService } from '../support/service';

describe('password hashing', () => {
  afterEach(() => setPasswordCost('test'));

  it('hashes at full scrypt cost outside tests, with a salt per hash', async () => {
    setPasswordCost('production');
    const a = await hashPassword('garš-un-drošs-1234');
    const b = await hashPassword('garš-un-drošs-1234');
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('garš-un-drošs-1234', a)).toBe(true);
    expect(await verifyPassword('garš-un-drošs-1235', a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it('raises a weaker stored hash to the cost in force at the next sign-in', async () => {
    const svc = await startTestService('sqlite');
    try {
      const institutionId = await svc.addInstitution();
      const { id } = await createUser(svc.deps, { institutionId, role: 'clerk', email: 'a@skola.lv', password: 'garš-un-drošs-1234' }, 'test');
      const weak = (await svc.deps.db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()).password_hash;
      expect(weak).toMatch(/^scrypt\$4096\$/);
      setPasswordCost('production');
      expect(needsRehash(weak)).toBe(true);
      await logIn(svc.deps, { email: 'a@skola.lv', password: 'garš-un-drošs-1234' });
      const strong = (await svc.deps.db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()).password_hash;
      expect(strong).toMatch(/^scrypt\$131072\$/);
      expect(await verifyPassword('garš-un-drošs-1234', strong)).toBe(true);
    } finally {
      await svc.close();
    }
  });
});
