import type { DigestName } from './asn1/oids';
import type { Certificate } from './certificate';

/**
 * Whoever holds the signing key. The local implementation signs with a key in memory; a card,
 * an HSM or a remote signing service would implement the same two things.
 */
export interface Signer {
  /** The signing certificate first, then its issuers (a root may be left out). */
  readonly chain: readonly Certificate[];
  /** The digest used for the document and the signed attributes. */
  readonly digest: DigestName;
  /** The CMS signatureAlgorithm identifier this signer produces. */
  readonly signatureAlgorithm: { oid: string; nullParameters: boolean };
  /** Signs `data` (the DER of the CMS signed attributes). */
  sign(data: Buffer): Promise<Buffer>;
}

/**
 * An RFC 3161 time-stamp authority: answers a verified TimeStampToken (DER of its ContentInfo)
 * over a digest. Implementations check the answer before returning it.
 */
export interface TimestampAuthority {
  /** Where the tokens come from, for reports and logs (a URL). */
  readonly name: string;
  timestamp(digest: Buffer, digestName: DigestName): Promise<TimestampToken>;
  close?(): Promise<void>;
}

export interface TimestampToken {
  /** DER of the token's ContentInfo, as embedded in the signature. */
  der: Buffer;
  genTime: Date;
  /** The TSA's certificate subject (its display name). */
  tsa: string;
  serialHex: string;
}
