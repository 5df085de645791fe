import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { classifyFailure, createMailTransport, retryDelayMs, SmtpTransport } from '../../src/mail';
import { MAX_RETRY_DELAY_MS } from '../../src/mail/backoff';
import { startSmtpSink } from '../support/smtp-sink';

const raw = Buffer.from('From: a@skola.lv\r\nTo: b@example.lv\r\nSubject: x\r\nMessage-ID: <t@skola.lv>\r\n\r\nhello\r\n');
const envelope = { from: 'a@skola.lv', to: ['b@example.lv'] };

describe('SMTP transport security', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const productionConfig = (smtpUrl: string) =>
    loadConfig({
      SUTNE_ENV: 'production', SMTP_URL: smtpUrl, MAIL_FROM: 'sutne@skola.example.lv', SIGNING_P12: '/nonexistent.p12',
      SIGNING_P12_PASSWORD: 'x', TSA_URL: 'https://tsa.example.lv', DATA_KEY: Buffer.alloc(32, 1).toString('base64'), DATA_DIR: dir,
    });

  it('in production refuses to send over smtp:// to a relay that offers no STARTTLS, and retries later', async () => {
    const sink = await startSmtpSink();
    const transport = createMailTransport(productionConfig(sink.url));
    try {
      const err = await transport.send({ envelope, raw, letterId: 'l1' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      const failure = classifyFailure(err);
      expect(failure.permanent).toBe(false);
      expect(failure.message).toMatch(/STARTTLS|TLS/i);
      expect(sink.received).toHaveLength(0);
    } finally {
      await transport.close();
      await sink.stop();
    }
  });

  it('upgrades with STARTTLS and delivers when the relay offers it', async () => {
    const sink = await startSmtpSink({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) });
    const transport = new SmtpTransport({ url: sink.url, requireTLS: true, tls: { ca: fs.readFileSync(path.join(dir, 'cert.pem')) } });
    try {
      const receipt = await transport.send({ envelope, raw, letterId: 'l2' });
      expect(receipt.accepted).toEqual(['b@example.lv']);
      expect(sink.received[0]!.secure).toBe(true);
      expect(sink.received[0]!.raw.equals(raw)).toBe(true);
    } finally {
      await transport.close();
      await sink.stop();
    }
  });

  it('without SMTP_URL captures instead of sending', () => {
    const t = createMailTransport(loadConfig({ DATA_DIR: dir }));
    expect(t.name).toBe('capture');
  });
});

describe('judging a failed attempt', () => {
  it('treats dropped or refused connections, timeouts, 4xx and 503 as temporary', () => {
    for (const err of [
      { code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:25' },
      { code: 'ETIMEDOUT', message: 'Greeting never received' },
      { code: 'ECONNECTION', message: 'Connection closed' },
      { code: 'EMESSAGE', responseCode: 451, permanent: false, response: '451 4.3.0 Try later', message: 'x' },
      { code: 'EPROTOCOL', responseCode: 503, permanent: false, message: 'bad sequence' },
      new Error('anything else'),
    ]) {
      expect(classifyFailure(err).permanent).toBe(false);
    }
  });

  it('treats a 5xx refusal as permanent, but not a relay login or STARTTLS failure', () => {
    const refused = classifyFailure({ code: 'EMESSAGE', responseCode: 554, permanent: true, response: '554 5.7.1\r\nRejected', message: 'Message failed' });
    expect(refused).toEqual({ permanent: true, code: '554', message: 'EMESSAGE 554: Message failed', response: '554 5.7.1 Rejected' });
    expect(classifyFailure({ code: 'EAUTH', responseCode: 535, permanent: true, message: 'Invalid login' }).permanent).toBe(false);
    expect(classifyFailure({ code: 'ETLS', responseCode: 500, permanent: true, message: 'STARTTLS refused' }).permanent).toBe(false);
  });
});

describe('backoff', () => {
  it('doubles from the base, with jitter between half and the whole step, and a cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(40, 30_000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, 30_000)));
    expect(spread.size).toBeGreaterThan(40);
    for (const d of spread) expect(d).toBeGreaterThanOrEqual(60_000), expect(d).toBeLessThanOrEqual(120_000);
  });
});
