import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../clock';
import { oid, digestNameOf } from '../asn1/oids';
import { signAttached } from '../cms/build-signed-data';
import type { Signer } from '../signer';
import { decodeRequest, encodeResponse, encodeTstInfo, failInfo, pkiStatus } from './messages';

const MAX_REQUEST_BYTES = 16 * 1024;

/**
 * The embedded development time-stamp authority: a real RFC 3161 server over HTTP on a loopback
 * port, so signing goes through the same client code as with a qualified TSA. Serial numbers
 * are 16 random bytes: unique across restarts and across several processes sharing the PKI.
 */
export class DevTsaServer {
  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(signer: Signer, clock: Clock, host = '127.0.0.1'): Promise<DevTsaServer> {
    const server = http.createServer((req, res) => {
      void handle(req, res, signer, clock);
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    // Idle keep-alive sockets must not hold a CLI process open.
    server.unref();
    const { port } = server.address() as AddressInfo;
    return new DevTsaServer(server, `http://${host}:${port}/tsa`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, signer: Signer, clock: Clock): Promise<void> {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) {
      res.writeHead(413).end();
      return;
    }
    chunks.push(chunk);
  }
  res.setHeader('content-type', 'application/timestamp-reply');
  try {
    res.end(await answer(Buffer.concat(chunks), signer, clock));
  } catch {
    res.end(encodeResponse(pkiStatus.rejection, undefined, 'internal error', failInfo.systemFailure));
  }
}

async function answer(body: Buffer, signer: Signer, clock: Clock): Promise<Buffer> {
  let request;
  try {
    request = decodeRequest(body);
  } catch {
    return encodeResponse(pkiStatus.rejection, undefined, 'not a TimeStampReq', failInfo.badDataFormat);
  }
  const digestName = digestNameOf(request.digestAlgorithm);
  const expectedLength = digestName && crypto.createHash(digestName).digest().length;
  if (!digestName || digestName === 'sha1' || request.digest.length !== expectedLength) {
    return encodeResponse(pkiStatus.rejection, undefined, 'use SHA-256, SHA-384 or SHA-512', failInfo.badAlg);
  }
  if (request.policy && request.policy !== oid.devTsaPolicy) {
    return encodeResponse(pkiStatus.rejection, undefined, 'unknown policy', failInfo.badRequest);
  }
  const tsaCert = signer.chain[0]!;
  const tstInfo = encodeTstInfo({
    policy: oid.devTsaPolicy,
    digestAlgorithm: request.digestAlgorithm,
    digest: request.digest,
    serial: crypto.randomBytes(16),
    genTime: clock.now(),
    nonce: request.nonce,
    tsaName: tsaCert.subjectDer,
  });
  const digest = crypto.createHash(signer.digest).update(tstInfo).digest();
  const token = await signAttached(signer, oid.tstInfo, tstInfo, digest, [], request.certReq ? signer.chain : []);
  return encodeResponse(pkiStatus.granted, token);
}
