import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/clock';
import { loadOrCreateDevPki, type DevPki } from '../../src/signing/keys/dev-pki';
import { LocalKeySigner } from '../../src/signing/keys/local-signer';
import { DevTsaServer } from '../../src/signing/tsp/dev-tsa';
import { HttpTimestampAuthority } from '../../src/signing/tsp/http-tsa';
import { decodeTstInfo, encodeRequest } from '../../src/signing/tsp/messages';
import { parseSignedData } from '../../src/signing/cms/parse-signed-data';
import { TrustStore } from '../../src/signing/trust';
import { devPkiPems, openssl, opensslTimestamp, tempDir } from './support';

/** A one-route HTTP server answering every POST with `answer(body)`. */
async function fakeTsa(answer: (body: Buffer) => Buffer | Promise<Buffer>, status = 200): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void Promise.resolve(answer(Buffer.concat(chunks))).then((b) => res.writeHead(status, { 'content-type': 'application/timestamp-reply' }).end(b));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('RFC 3161 time-stamps', () => {
  let dir: string;
  let pki: DevPki;
  let trust: TrustStore;
  let server: DevTsaServer;
  const digest = crypto.createHash('sha256').update('signature value').digest();

  beforeAll(async () => {
    dir = tempDir();
    pki = await loadOrCreateDevPki(`${dir}/pki`);
    trust = new TrustStore([pki.ca.cert]);
    server = await DevTsaServer.start(new LocalKeySigner(pki.tsa.key, [pki.tsa.cert]), systemClock);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the embedded TSA answers over HTTP with verified tokens and unique serial numbers', async () => {
    const client = new HttpTimestampAuthority(server.url, trust);
    const before = Date.now();
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => client.timestamp(digest, 'sha256')));
    expect(new Set(tokens.map((t) => t.serialHex)).size).toBe(5);
    for (const t of tokens) {
      expect(t.tsa).toBe('Sūtne development TSA');
      expect(t.genTime.getTime()).toBeGreaterThanOrEqual(before - 1000);
      const info = decodeTstInfo(parseSignedData(t.der).content!);
      expect(info.imprint.equals(digest)).toBe(true);
    }
  });

  it('its tokens verify with openssl ts against the development CA', async () => {
    const token = await new HttpTimestampAuthority(server.url, trust).timestamp(digest, 'sha256');
    const res = openssl((d) => ['ts', '-verify', '-digest', digest.toString('hex'), '-in', `${d}/t.der`, '-token_in', '-CAfile', `${d}/ca.pem`], { 't.der': token.der, 'ca.pem': pki.ca.cert.pem });
    expect(res.output).toContain('Verification: OK');
  });

  it('the client accepts a token from OpenSSL\'s TSA (openssl ts -reply)', async () => {
    const pems = devPkiPems(dir);
    const tsa = await fakeTsa((body) => opensslTimestamp(body, pems.tsa, pems.ca.cert));
    try {
      const token = await new HttpTimestampAuthority(tsa.url, trust).timestamp(digest, 'sha256');
      expect(token.tsa).toBe('Sūtne development TSA');
    } finally {
      await tsa.close();
    }
  });

  it('a TSA that cannot be reached is TSA_UNAVAILABLE', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const client = new HttpTimestampAuthority(`http://127.0.0.1:${port}/`, trust, { timeoutMs: 2000 });
    await expect(client.timestamp(digest, 'sha256')).rejects.toMatchObject({ code: 'TSA_UNAVAILABLE', message: expect.stringContaining('cannot be reached') });
  });

  it('refuses an HTTP error, a rejection, a replayed answer (nonce), a token for other bytes', async () => {
    const good = new HttpTimestampAuthority(server.url, trust);
    const replay = await (async () => {
      const res = await fetch(server.url, { method: 'POST', body: encodeRequest(digest, 'sha256', crypto.randomBytes(8)) });
      return Buffer.from(await res.arrayBuffer());
    })();
    const otherBytes = await (async () => {
      const res = await fetch(server.url, { method: 'POST', body: encodeRequest(crypto.createHash('sha256').update('x').digest(), 'sha256', crypto.randomBytes(8)) });
      return Buffer.from(await res.arrayBuffer());
    })();
    const cases: Array<[() => Promise<{ url: string; close: () => Promise<void> }>, RegExp]> = [
      [() => fakeTsa(() => Buffer.from('busy'), 503), /HTTP 503/],
      [() => fakeTsa(() => Buffer.from('not asn.1')), /not an RFC 3161/],
      [() => fakeTsa(() => Buffer.from('30053003020102', 'hex')), /refused the request \(status 2\)/],
      [() => fakeTsa(() => replay), /nonce/],
      [() => fakeTsa(() => otherBytes), /other bytes/],
    ];
    for (const [start, message] of cases) {
      const tsa = await start();
      try {
        await expect(new HttpTimestampAuthority(tsa.url, trust).timestamp(digest, 'sha256')).rejects.toMatchObject({ code: 'TSA_UNAVAILABLE', message: expect.stringMatching(message) });
      } finally {
        await tsa.close();
      }
    }
    await expect(good.timestamp(digest, 'sha256')).resolves.toBeDefined();
  });

  it('refuses a token signed by a certificate without the critical timeStamping usage, or from an untrusted TSA', async () => {
    const wrongCert = await DevTsaServer.start(new LocalKeySigner(pki.signer.key, [pki.signer.cert]), systemClock);
    try {
      await expect(new HttpTimestampAuthority(wrongCert.url, trust).timestamp(digest, 'sha256')).rejects.toMatchObject({
        code: 'TSA_UNAVAILABLE', message: expect.stringContaining('not a time-stamping certificate'),
      });
    } finally {
      await wrongCert.close();
    }
    const otherDir = tempDir();
    try {
      const otherTrust = new TrustStore([(await loadOrCreateDevPki(`${otherDir}/pki`)).ca.cert]);
      await expect(new HttpTimestampAuthority(server.url, otherTrust).timestamp(digest, 'sha256')).rejects.toMatchObject({
        code: 'TSA_UNAVAILABLE', message: expect.stringContaining('TRUST_ANCHORS'),
      });
    } finally {
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

describe('the signing service\'s time-stamps for other domains (audit anchors)', () => {
  it('stamps a digest through the configured TSA and verifies the token offline', async () => {
    const dir = tempDir();
    const { signingService } = await import('./support');
    const service = signingService(dir);
    try {
      const digest = crypto.createHash('sha256').update('audit head').digest();
      const token = await service.timestamper.timestamp(digest, 'sha256');
      expect(token.tsa).toBe('Sūtne development TSA');
      expect(await service.verifyToken(token.der, digest)).toMatchObject({ ok: true, tsa: 'Sūtne development TSA', genTime: token.genTime.toISOString() });
      const other = crypto.createHash('sha256').update('another head').digest();
      expect(await service.verifyToken(token.der, other)).toMatchObject({ ok: false, detail: expect.stringContaining('other bytes') });
    } finally {
      await service.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
