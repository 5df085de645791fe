import crypto from 'node:crypto';
import { children, decode, encode, isContext, isUniversal, readBytes, readOid, readTime, readUintHex, asn1Types as T } from './asn1/der';
import { digestOfSignatureAlgorithm, oid } from './asn1/oids';
import type { Certificate } from './certificate';

/** A certificate revocation list (RFC 5280), read for checking one certificate against it. */
export class Crl {
  readonly issuerDer: Buffer;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly revoked: Map<string, Date>;
  private readonly tbsDer: Buffer;
  private readonly signatureAlgorithm: string;
  private readonly signature: Buffer;

  constructor(readonly der: Buffer) {
    const [tbs, alg, sig] = children(decode(der));
    this.tbsDer = encode(tbs!);
    this.signatureAlgorithm = readOid(children(alg!)[0]);
    this.signature = readBytes(sig).subarray(1);
    const parts = children(tbs!);
    let i = isUniversal(parts[0], T.INTEGER) ? 1 : 0;
    i++; // signature algorithm
    this.issuerDer = encode(parts[i++]!);
    this.thisUpdate = readTime(parts[i++]);
    this.nextUpdate = parts[i] && (isUniversal(parts[i], T.UTCTIME) || isUniversal(parts[i], T.GENERALIZEDTIME)) ? readTime(parts[i++]) : undefined;
    this.revoked = new Map();
    if (parts[i] && isUniversal(parts[i], T.SEQUENCE) && !isContext(parts[i], 0)) {
      for (const entry of children(parts[i]!)) {
        const [serial, date] = children(entry);
        this.revoked.set(readUintHex(serial), readTime(date));
      }
    }
  }

  /** True when `issuer` issued this list and its key signed it. */
  isIssuedBy(issuer: Certificate): boolean {
    if (!this.issuerDer.equals(issuer.subjectDer)) return false;
    const digest = digestOfSignatureAlgorithm(this.signatureAlgorithm);
    if (!digest || this.signatureAlgorithm === oid.sha1WithRsa) return false;
    try {
      return crypto.verify(digest, this.tbsDer, issuer.publicKey, this.signature);
    } catch {
      return false;
    }
  }
}
