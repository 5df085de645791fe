import crypto from 'node:crypto';
import type { Clock } from '../../clock';
import { raw } from '../asn1/der';
import { oid } from '../asn1/oids';
import { attribute, signedAttributes, signedData } from '../cms/build-signed-data';
import { PdfFile } from '../pdf/pdf-file';
import type { Signer, TimestampAuthority, TimestampToken } from '../signer';
import { prepareSignature } from './prepare-signature';

export interface SignPdfOptions {
  signer: Signer;
  tsa: TimestampAuthority;
  clock: Clock;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** The expected size of this TSA's tokens (bytes); learnt from earlier tokens. */
  tokenSizeHint?: number;
}

export interface SignedPdf {
  pdf: Buffer;
  /** The claimed signing time (/M). */
  signedAt: Date;
  timestamp: TimestampToken;
  signer: string;
  fieldName: string;
  byteRange: [number, number, number, number];
}

/** Headers of the unsigned-attributes wrapper around the token, and a margin for its varying size. */
const TOKEN_OVERHEAD = 64;
const DEFAULT_TOKEN_SIZE = 6144;

/**
 * Signs any PDF as PAdES baseline B-T, appending an incremental update: the unsigned draft stays
 * an unchanged prefix of the result. The CMS carries contentType, messageDigest and
 * signingCertificateV2 (no signingTime), the signer's chain, and the TSA's token over the
 * signature value. The /Contents placeholder is sized from this signer's real CMS plus the
 * token; if a token ever outgrows the estimate, signing starts over with the real size, so the
 * placeholder never overflows.
 */
export async function signPdf(pdf: Buffer, o: SignPdfOptions): Promise<SignedPdf> {
  const file = PdfFile.parse(pdf);
  const base = cmsSizeWithoutToken(o.signer);
  let tokenSize = o.tokenSizeHint ?? DEFAULT_TOKEN_SIZE;
  for (let attempt = 0; attempt < 3; attempt++) {
    const signedAt = o.clock.now();
    const prepared = prepareSignature(file, {
      contentsBytes: base + TOKEN_OVERHEAD + tokenSize,
      signingTime: signedAt,
      ...(o.reason ? { reason: o.reason } : {}),
      ...(o.location ? { location: o.location } : {}),
      ...(o.contactInfo ? { contactInfo: o.contactInfo } : {}),
    });
    const [, a, b] = prepared.byteRange;
    const digest = crypto.createHash(o.signer.digest).update(prepared.pdf.subarray(0, a)).update(prepared.pdf.subarray(b)).digest();
    const signed = signedAttributes(o.signer, oid.data, digest);
    const signature = await o.signer.sign(signed.der);
    const token = await o.tsa.timestamp(crypto.createHash('sha256').update(signature).digest(), 'sha256');
    const cms = signedData({
      signer: o.signer, signed, signature, contentType: oid.data,
      unsigned: [attribute(oid.signatureTimeStampToken, raw(token.der))],
    });
    const room = (b - a - 2) / 2;
    if (cms.length > room) {
      tokenSize = cms.length - base + 256;
      continue;
    }
    prepared.pdf.write(cms.toString('hex'), a + 1, 'latin1');
    return { pdf: prepared.pdf, signedAt, timestamp: token, signer: o.signer.chain[0]!.displayName, fieldName: prepared.fieldName, byteRange: prepared.byteRange };
  }
  throw new Error('the signature does not fit its placeholder even after resizing');
}

const sizeCache = new WeakMap<Signer, number>();

/** The CMS's size without the token, from a dry run with a signature of the largest size the key makes. */
function cmsSizeWithoutToken(signer: Signer): number {
  let size = sizeCache.get(signer);
  if (size === undefined) {
    const keyBytes = maxSignatureBytes(signer);
    const signed = signedAttributes(signer, oid.data, crypto.createHash(signer.digest).digest());
    size = signedData({ signer, signed, signature: Buffer.alloc(keyBytes, 0xff), contentType: oid.data }).length;
    sizeCache.set(signer, size);
  }
  return size;
}

function maxSignatureBytes(signer: Signer): number {
  const key = signer.chain[0]!.publicKey;
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && details?.modulusLength) return Math.ceil(details.modulusLength / 8);
  // ECDSA: a DER SEQUENCE of two INTEGERs, each at most one byte longer than the curve order.
  return 2 * (Math.ceil((curveBits[details?.namedCurve ?? ''] ?? 521) / 8) + 3) + 4;
}

const curveBits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
