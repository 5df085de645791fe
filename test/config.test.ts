import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('starts with no configuration at all on the embedded defaults', () => {
    const c = loadConfig({}, '/srv/sutne');
    expect(c).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      dataDir: '/srv/sutne/data',
      databaseUrl: undefined,
      smtpUrl: undefined,
      mailFrom: 'sutne@localhost',
      tsaUrl: undefined,
      dataKey: undefined,
      schemeDir: path.join(__dirname, '..', 'templates', 'aizkraukle'),
    });
  });

  it('names every bad variable in one message', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', MAIL_FROM: 'nobody', DATA_KEY: 'c2hvcnQ=', SMTP_URL: 'http://relay' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(problems.sort()).toEqual(['DATABASE_URL', 'DATA_KEY', 'MAIL_FROM', 'PORT', 'SMTP_URL']);
    expect((error as ConfigError).message).toContain('PORT');
    expect((error as ConfigError).message).not.toContain('c2hvcnQ=');
  });

  it('refuses production on embedded stand-ins and says what to set instead', () => {
    expect(() => loadConfig({ SUTNE_ENV: 'production' })).toThrow(ConfigError);
    try {
      loadConfig({ SUTNE_ENV: 'production' });
    } catch (err) {
      const names = (err as ConfigError).problems.map((p) => p.split(':')[0]).sort();
      expect(names).toEqual(['DATA_KEY', 'MAIL_FROM', 'SIGNING_P12', 'SMTP_URL', 'TSA_URL']);
      expect((err as ConfigError).message).toMatch(/openssl rand -base64 32/);
    }
  });

  it('accepts production with real parts, SQLite still allowed', () => {
    const c = loadConfig({
      SUTNE_ENV: 'production',
      SIGNING_P12: '/keys/seal.p12',
      SIGNING_P12_PASSWORD: 'x',
      TSA_URL: 'https://tsa.example.lv/tsa',
      SMTP_URL: 'smtp://relay.example.lv:587',
      MAIL_FROM: 'skola@example.lv',
      DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(c.env).toBe('production');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataKey).toHaveLength(32);
  });

  it('resolves a given SCHEME_DIR against the working directory', () => {
    expect(loadConfig({ SCHEME_DIR: 'profiles/riga' }, '/srv/sutne').schemeDir).toBe('/srv/sutne/profiles/riga');
  });

  it('reads old data keys for rotation', () => {
    const k = Buffer.alloc(32, 1).toString('base64');
    const c = loadConfig({ DATA_KEYS_OLD: `k0:${k}` });
    expect(c.oldDataKeys.get('k0')).toEqual(Buffer.alloc(32, 1));
  });

  it('is the only reader of the environment', () => {
    const src = path.join(__dirname, '..', 'src');
    let hits = '';
    try {
      hits = execFileSync('grep', ['-rn', 'process\\.env', src], { encoding: 'utf8' });
    } catch {
      hits = ''; // grep exits 1 when nothing matches
    }
    expect(hits).toBe('');
  });
});
