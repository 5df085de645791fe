import { children, decode, encode, isContext, isUniversal, readBytes, readInt, readOid, readUintHex, set, type Asn1, asn1Types as T } from '../asn1/der';
import { oid } from '../asn1/oids';
import { Certificate } from '../certificate';

export interface SignerInfo {
  /** Who signed: by issuer and serial number, or by subject key identifier. */
  sid: { issuerDer: Buffer; serialHex: string } | { subjectKeyId: Buffer };
  digestAlgorithm: string;
  /** The signed attributes as the signer signed them (re-tagged as a SET); absent when it signed the content directly. */
  signedAttrsDer: Buffer | undefined;
  signedAttrs: Map<string, Asn1[]>;
  signatureAlgorithm: string;
  signatureParams: Asn1 | undefined;
  signature: Buffer;
  unsignedAttrs: Map<string, Asn1[]>;
}

export interface SignedData {
  contentType: string;
  /** The encapsulated content, when carried inside (a TSTInfo); absent for a detached signature. */
  content: Buffer | undefined;
  certificates: Certificate[];
  signerInfos: SignerInfo[];
}

/** Reads a CMS ContentInfo holding SignedData; throws `CmsError` when it is something else. */
export function parseSignedData(der: Uint8Array): SignedData {
  try {
    const contentInfo = children(decode(der));
    if (readOid(contentInfo[0]) !== oid.signedData) throw new CmsError('the CMS content is not SignedData');
    if (!isContext(contentInfo[1], 0)) throw new CmsError('the SignedData content is missing');
    const body = children(children(contentInfo[1]!)[0]!);
    let i = 1; // version
    i++; // digestAlgorithms
    const encap = children(body[i++]!);
    const contentType = readOid(encap[0]);
    const content = isContext(encap[1], 0) ? readBytes(children(encap[1]!)[0]) : undefined;
    const certificates: Certificate[] = [];
    if (isContext(body[i], 0)) {
      for (const c of children(body[i++]!)) {
        // Only X.509 certificates (a SEQUENCE); attribute certificates and others are tagged.
        if (isUniversal(c, T.SEQUENCE)) certificates.push(new Certificate(encode(c)));
      }
    }
    if (isContext(body[i], 1)) i++; // crls
    const signerInfos = children(body[i]!).map(readSignerInfo);
    return { contentType, content, certificates, signerInfos };
  } catch (err) {
    if (err instanceof CmsError) throw err;
    throw new CmsError(`the CMS structure cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
}

function readSignerInfo(node: Asn1): SignerInfo {
  const parts = children(node);
  let i = 0;
  readInt(parts[i++]);
  const sidNode = parts[i++]!;
  const sid = isContext(sidNode, 0)
    ? { subjectKeyId: readBytes(sidNode) }
    : { issuerDer: encode(children(sidNode)[0]!), serialHex: readUintHex(children(sidNode)[1]) };
  const digestAlgorithm = readOid(children(parts[i++]!)[0]);
  let signedAttrsDer: Buffer | undefined;
  let signedAttrs = new Map<string, Asn1[]>();
  if (isContext(parts[i], 0)) {
    const attrs = children(parts[i++]!);
    signedAttrsDer = encode(set(...attrs));
    signedAttrs = readAttributes(attrs);
  }
  const sigAlg = children(parts[i++]!);
  const signature = readBytes(parts[i++]);
  const unsignedAttrs = isContext(parts[i], 1) ? readAttributes(children(parts[i]!)) : new Map<string, Asn1[]>();
  return {
    sid, digestAlgorithm, signedAttrsDer, signedAttrs,
    signatureAlgorithm: readOid(sigAlg[0]), signatureParams: sigAlg[1], signature, unsignedAttrs,
  };
}

function readAttributes(attrs: Asn1[]): Map<string, Asn1[]> {
  const map = new Map<string, Asn1[]>();
  for (const attr of attrs) {
    const [type, values] = children(attr);
    const id = readOid(type);
    map.set(id, [...(map.get(id) ?? []), ...children(values!)]);
  }
  return map;
}

/** The certificate a SignerInfo names, among those given. */
export function findSignerCertificate(info: SignerInfo, certs: readonly Certificate[]): Certificate | undefined {
  const sid = info.sid;
  if ('subjectKeyId' in sid) {
    return certs.find((c) => {
      const ski = c.extension(oid.subjectKeyIdentifier);
      return ski && readBytes(decode(ski.value)).equals(sid.subjectKeyId);
    });
  }
  return certs.find((c) => c.serialHex === sid.serialHex && c.issuerDer.equals(sid.issuerDer));
}

export class CmsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CmsError';
  }
}

