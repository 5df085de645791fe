import { algorithm, encode, explicit, implicitConstructed, int, integerContent, octets, oidNode, raw, seq, set, sortedSet, type Asn1 } from '../asn1/der';
import { digestOidOf, oid } from '../asn1/oids';
import type { Certificate } from '../certificate';
import type { Signer } from '../signer';

/** CMS SignedData (RFC 5652) built with node-forge's ASN.1, the signature made by a `Signer`. */

export const attribute = (type: string, ...values: Asn1[]): Asn1 => seq(oidNode(type), set(...values));

/**
 * ESS signingCertificateV2 (RFC 5035): binds the signature to the signer's certificate, as
 * CAdES requires. The hash algorithm is left out because SHA-256 is its DER default.
 */
export function signingCertificateV2(cert: Certificate): Asn1 {
  const issuerSerial = seq(seq(explicit(4, raw(cert.issuerDer))), integerContent(cert.serialBytes));
  return attribute(oid.signingCertificateV2, seq(seq(seq(octets(cert.sha256), issuerSerial))));
}

export interface SignedAttributes {
  /** In the order DER requires; embedded under [0]. */
  nodes: Asn1[];
  /** What the signer signs: the same attributes encoded as a SET (X.690, RFC 5652 5.4). */
  der: Buffer;
}

/**
 * contentType, messageDigest and signingCertificateV2, plus any `extra`. No signingTime: PAdES
 * baseline forbids it in the CMS, the time is the PDF's /M and, proven, the time-stamp's.
 */
export function signedAttributes(signer: Signer, contentType: string, digest: Buffer, extra: Asn1[] = []): SignedAttributes {
  const nodes = sortedSet([
    attribute(oid.contentType, oidNode(contentType)),
    attribute(oid.messageDigest, octets(digest)),
    signingCertificateV2(signer.chain[0]!),
    ...extra,
  ]).value as Asn1[];
  return { nodes, der: encode(set(...nodes)) };
}

export interface SignerInfoParts {
  signer: Signer;
  signed: SignedAttributes;
  signature: Buffer;
  unsigned?: Asn1[];
}

function signerInfo(p: SignerInfoParts): Asn1 {
  const cert = p.signer.chain[0]!;
  const alg = p.signer.signatureAlgorithm;
  const items = [
    int(1),
    seq(raw(cert.issuerDer), integerContent(cert.serialBytes)),
    algorithm(digestOidOf(p.signer.digest), false),
    implicitConstructed(0, p.signed.nodes),
    algorithm(alg.oid, alg.nullParameters),
    octets(p.signature),
  ];
  if (p.unsigned?.length) items.push(implicitConstructed(1, sortedSet(p.unsigned).value as Asn1[]));
  return seq(...items);
}

export interface SignedDataParts extends SignerInfoParts {
  contentType: string;
  /** The content itself when it is carried inside (a TSTInfo); absent for a detached signature. */
  content?: Buffer;
  /** Certificates to include (the signer's chain unless given). */
  certificates?: readonly Certificate[];
}

/** The whole ContentInfo, DER. */
export function signedData(p: SignedDataParts): Buffer {
  const encapContent = p.content ? seq(oidNode(p.contentType), explicit(0, octets(p.content))) : seq(oidNode(p.contentType));
  const certs = p.certificates ?? p.signer.chain;
  const body = seq(
    int(p.contentType === oid.data ? 1 : 3),
    set(algorithm(digestOidOf(p.signer.digest), false)),
    encapContent,
    ...(certs.length ? [implicitConstructed(0, certs.map((c) => raw(c.der)))] : []),
    set(signerInfo(p)),
  );
  return encode(seq(oidNode(oid.signedData), explicit(0, body)));
}

/** Signs the attributes and assembles the ContentInfo in one step (for tokens without unsigned attributes). */
export async function signAttached(signer: Signer, contentType: string, content: Buffer, digest: Buffer, extra: Asn1[] = [], certificates?: readonly Certificate[]): Promise<Buffer> {
  const signed = signedAttributes(signer, contentType, digest, extra);
  const signature = await signer.sign(signed.der);
  return signedData({ signer, signed, signature, contentType, content, ...(certificates ? { certificates } : {}) });
}
