import { algorithm, bool, children, decode, encode, explicit, generalizedTime, int, isUniversal, octets, oidNode, raw, readBytes, readInt, readOid, readTime, readUintHex, seq, uint, utf8, type Asn1, asn1Types as T } from '../asn1/der';
import { digestNameOf, digestOidOf, type DigestName } from '../asn1/oids';

/** RFC 3161 messages: the request, the response, and the TSTInfo a token carries. */

export interface TimestampRequest {
  digestAlgorithm: string;
  digest: Buffer;
  policy: string | undefined;
  nonce: Buffer | undefined;
  certReq: boolean;
}

export function encodeRequest(digest: Buffer, digestName: DigestName, nonce: Buffer): Buffer {
  return encode(seq(int(1), seq(algorithm(digestOidOf(digestName), false), octets(digest)), uint(nonce), bool(true)));
}

export function decodeRequest(der: Buffer): TimestampRequest {
  const parts = children(decode(der));
  if (readInt(parts[0]) !== 1) throw new Error('unsupported request version');
  const imprint = children(parts[1]!);
  const req: TimestampRequest = {
    digestAlgorithm: readOid(children(imprint[0]!)[0]),
    digest: readBytes(imprint[1]),
    policy: undefined,
    nonce: undefined,
    certReq: false,
  };
  for (const p of parts.slice(2)) {
    if (isUniversal(p, T.OID)) req.policy = readOid(p);
    else if (isUniversal(p, T.INTEGER)) req.nonce = readBytes(p);
    else if (isUniversal(p, T.BOOLEAN)) req.certReq = (p.value as string) !== '\x00';
  }
  return req;
}

/** PKIStatus values (RFC 3161 2.4.2). */
export const pkiStatus = { granted: 0, grantedWithMods: 1, rejection: 2, waiting: 3, revocationWarning: 4, revocationNotification: 5 } as const;
/** PKIFailureInfo bit numbers. */
export const failInfo = { badAlg: 0, badRequest: 2, badDataFormat: 5, systemFailure: 25 } as const;

export function encodeResponse(status: number, token?: Buffer, text?: string, failBit?: number): Buffer {
  const statusInfo = [int(status)];
  if (text) statusInfo.push(seq(utf8(text)));
  if (failBit !== undefined) {
    const bytes = Buffer.alloc(Math.floor(failBit / 8) + 1);
    bytes[failBit >> 3] = 0x80 >> (failBit & 7);
    const unused = 7 - (failBit & 7);
    statusInfo.push(decode(Buffer.concat([Buffer.from([0x03, bytes.length + 1, unused]), bytes])));
  }
  return encode(token ? seq(seq(...statusInfo), raw(token)) : seq(seq(...statusInfo)));
}

export interface TimestampResponse {
  status: number;
  statusText: string | undefined;
  token: Buffer | undefined;
}

export function decodeResponse(der: Buffer): TimestampResponse {
  const parts = children(decode(der));
  const statusInfo = children(parts[0]!);
  const text = statusInfo[1] && isUniversal(statusInfo[1], T.SEQUENCE)
    ? children(statusInfo[1]).map((s) => Buffer.from(s.value as string, 'latin1').toString('utf8')).join('; ')
    : undefined;
  return { status: readInt(statusInfo[0]), statusText: text, token: parts[1] ? encode(parts[1]) : undefined };
}

export interface TstInfo {
  policy: string;
  digestAlgorithm: string;
  digestName: DigestName | undefined;
  imprint: Buffer;
  serialHex: string;
  genTime: Date;
  nonceHex: string | undefined;
}

export function decodeTstInfo(der: Buffer): TstInfo {
  const parts = children(decode(der));
  if (readInt(parts[0]) !== 1) throw new Error('unsupported TSTInfo version');
  const imprint = children(parts[2]!);
  const digestAlgorithm = readOid(children(imprint[0]!)[0]);
  let nonceHex: string | undefined;
  for (const p of parts.slice(5)) {
    if (isUniversal(p, T.INTEGER)) nonceHex = readUintHex(p);
  }
  return {
    policy: readOid(parts[1]),
    digestAlgorithm,
    digestName: digestNameOf(digestAlgorithm),
    imprint: readBytes(imprint[1]),
    serialHex: readUintHex(parts[3]),
    genTime: readTime(parts[4]),
    nonceHex,
  };
}

export interface NewTstInfo {
  policy: string;
  digestAlgorithm: string;
  digest: Buffer;
  serial: Buffer;
  genTime: Date;
  nonce: Buffer | undefined;
  /** The TSA's subject Name (DER), named in the token's tsa field. */
  tsaName: Buffer;
}

export function encodeTstInfo(t: NewTstInfo): Buffer {
  const items: Asn1[] = [
    int(1),
    oidNode(t.policy),
    seq(algorithm(t.digestAlgorithm, false), octets(t.digest)),
    uint(t.serial),
    generalizedTime(derGeneralizedTime(t.genTime)),
    seq(int(1)), // accuracy: one second
  ];
  if (t.nonce) items.push(uint(t.nonce));
  items.push(explicit(0, explicit(4, raw(t.tsaName))));
  return encode(seq(...items));
}

/** GeneralizedTime as DER wants it: UTC, fractional seconds without trailing zeros. */
export function derGeneralizedTime(d: Date): string {
  const iso = d.toISOString(); // 2026-11-25T09:01:02.340Z
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

