import crypto from 'node:crypto';
import { AppError } from '../../errors';
import type { DigestName } from '../asn1/oids';
import type { TimestampAuthority, TimestampToken } from '../signer';
import type { TrustStore } from '../trust';
import { decodeResponse, encodeRequest, pkiStatus } from './messages';
import { verifyTimestampToken } from './verify-token';

export interface HttpTsaOptions {
  /** How long to wait for the TSA's answer. */
  timeoutMs?: number;
}

/**
 * An RFC 3161 client over HTTP (RFC 3161 3.4). Every request carries a fresh nonce and asks for
 * the TSA's certificate; every answer is checked before it is used (status, nonce, imprint, the
 * TSA's signature, its certificate's critical timeStamping usage, its chain to a trusted root),
 * so a token that would not verify later is never embedded. Failures are `TSA_UNAVAILABLE`.
 */
export class HttpTimestampAuthority implements TimestampAuthority {
  private readonly timeoutMs: number;

  constructor(readonly name: string, private readonly trust: TrustStore, opts: HttpTsaOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  async timestamp(digest: Buffer, digestName: DigestName): Promise<TimestampToken> {
    const nonce = crypto.randomBytes(8);
    const body = await this.post(encodeRequest(digest, digestName, nonce));
    let response;
    try {
      response = decodeResponse(body);
    } catch {
      throw this.unusable('its answer is not an RFC 3161 time-stamp response');
    }
    if (response.status !== pkiStatus.granted && response.status !== pkiStatus.grantedWithMods) {
      throw this.unusable(`it refused the request (status ${response.status}${response.statusText ? `: ${response.statusText}` : ''})`);
    }
    if (!response.token) throw this.unusable('it granted the request but sent no token');

    const verified = verifyTimestampToken(response.token, (alg) => (alg === digestName ? digest : Buffer.alloc(0)), this.trust);
    const bad = verified.checks.find((c) => !c.ok);
    if (bad || !verified.info || !verified.tsaCert) throw this.unusable(`its token fails a check: ${bad?.detail ?? 'unreadable'}`);
    const expectedNonce = nonce.toString('hex').replace(/^(00)+/, '') || '00';
    if (verified.info.nonceHex !== expectedNonce) throw this.unusable('its token does not answer this request (nonce mismatch)');
    return { der: response.token, genTime: verified.info.genTime, tsa: verified.tsaCert.displayName, serialHex: verified.info.serialHex };
  }

  private async post(request: Buffer): Promise<Buffer> {
    let res: Response;
    try {
      res = await fetch(this.name, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
        body: request,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : 'it cannot be reached';
      throw this.unavailable(reason, err);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw this.unavailable(`it answered HTTP ${res.status}`);
    }
    return Buffer.from(await res.arrayBuffer());
  }

  private unavailable(reason: string, cause?: unknown): AppError {
    return new AppError('TSA_UNAVAILABLE', `The time-stamp authority ${this.name} is unavailable: ${reason}. Nothing was signed; try again later.`, undefined, { cause });
  }

  private unusable(reason: string): AppError {
    return new AppError('TSA_UNAVAILABLE', `The time-stamp authority ${this.name} gave no usable time-stamp: ${reason}. Nothing was signed.`);
  }
}
