import crypto from 'node:crypto';
import { algorithm, decode, encode, explicit, int, octets, oidNode, raw, readBytes, seq, uint, utcTime } from '../asn1/der';
import { oid } from '../asn1/oids';
import type { DevIdentity } from './dev-pki';

/**
 * A certificate revocation list (RFC 5280 5.1) issued by the development CA, built with
 * node-forge's ASN.1 and signed in node:crypto (node-forge cannot build CRLs). It is what a
 * PAdES B-LT signature carries in its DSS so it can be checked after the certificates expire.
 */
export function issueDevCrl(ca: DevIdentity, opts: { now: Date; revokedSerials?: string[]; revokedAt?: Date; number?: number; validityDays?: number }): Buffer {
  const nextUpdate = new Date(opts.now.getTime() + (opts.validityDays ?? 7) * 86_400_000);
  const ski = ca.cert.extension(oid.subjectKeyIdentifier);
  const extensions = [
    seq(oidNode(oid.crlNumber), octets(encode(int(opts.number ?? Math.floor(opts.now.getTime() / 1000))))),
  ];
  if (ski) {
    const keyId = readBytes(decode(ski.value));
    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }
    extensions.unshift(seq(oidNode(oid.authorityKeyIdentifier), octets(Buffer.concat([Buffer.from([0x30, keyId.length + 2, 0x80, keyId.length]), keyId]))));
  }
  const revoked = (opts.revokedSerials ?? []).map((serial) =>
    seq(uint(Buffer.from(serial.length % 2 ? `0${serial}` : serial, 'hex')), utcTime(opts.revokedAt ?? new Date(opts.now.getTime() - 1000))),
  );
  const tbs = seq(
    int(1),
    algorithm(oid.sha256WithRsa),
    raw(ca.cert.subjectDer),
    utcTime(opts.now),
    utcTime(nextUpdate),
    ...(revoked.length ? [seq(...revoked)] : []),
    explicit(0, seq(...extensions)),
  );
  const tbsDer = encode(tbs);
  const signature = crypto.sign('sha256', tbsDer, ca.key);
  return encode(seq(raw(tbsDer), algorithm(oid.sha256WithRsa), bitString(signature)));
}

function bitString(bytes: Buffer) {
  return decode(Buffer.concat([Buffer.from([0x03]), derLength(bytes.length + 1), Buffer.from([0]), bytes]));
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

