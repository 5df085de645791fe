import crypto, { type KeyObject } from 'node:crypto';
import { children, isContext, readBytes, readInt, readOid, type Asn1 } from '../asn1/der';
import { digestNameOf, digestOfSignatureAlgorithm, oid, type DigestName } from '../asn1/oids';
import type { Certificate } from '../certificate';
import type { SignerInfo } from './parse-signed-data';

/** One finding of a verification: named, passed or not, and why in words. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail });

/**
 * The cryptographic checks of one SignerInfo against the content it covers: the content digest
 * (messageDigest), the signature itself, and the ESS binding to the signer's certificate.
 * `contentDigest` computes the content's digest with a named algorithm; `content` is needed only
 * for the rare signatures without signed attributes.
 */
export function verifySignerInfo(
  info: SignerInfo,
  cert: Certificate,
  contentType: string,
  contentDigest: (alg: DigestName) => Buffer,
  content?: () => Buffer,
): { digest: Check; signature: Check; signingCertificate: Check } {
  const digestName = digestNameOf(info.digestAlgorithm);
  if (!digestName) {
    const unknown = check('digest', false, `unknown digest algorithm ${info.digestAlgorithm}`);
    return { digest: unknown, signature: check('signature', false, 'not checked: unknown digest algorithm'), signingCertificate: check('signingCertificate', false, 'not checked') };
  }
  if (!info.signedAttrsDer) {
    if (!content) {
      const missing = check('digest', false, 'the signature has no signed attributes');
      return { digest: missing, signature: check('signature', false, 'not checked'), signingCertificate: check('signingCertificate', false, 'the signature has no signed attributes') };
    }
    const data = content();
    const sig = verifySignatureValue(info, digestName, data, cert.publicKey);
    return {
      digest: check('digest', sig.ok, sig.ok ? `${digestName} of the signed bytes matches (signed directly, no signed attributes)` : 'not checked separately: the signature covers the bytes directly'),
      signature: sig,
      signingCertificate: check('signingCertificate', false, 'no signed attributes, so no signing-certificate attribute (CAdES requires one)'),
    };
  }

  const digestValue = info.signedAttrs.get(oid.messageDigest)?.[0];
  const typeValue = info.signedAttrs.get(oid.contentType)?.[0];
  let digest: Check;
  if (!digestValue) digest = check('digest', false, 'the messageDigest attribute is missing');
  else if (!typeValue || readOid(typeValue) !== contentType) digest = check('digest', false, 'the contentType attribute does not name the signed content');
  else if (digestName === 'sha1') digest = check('digest', false, 'SHA-1 is no longer accepted for signatures');
  else {
    const actual = contentDigest(digestName);
    const ok = readBytes(digestValue).equals(actual);
    digest = check('digest', ok, ok ? `${digestName} of the signed bytes matches the signed messageDigest` : `${digestName} of the signed bytes differs from the signed messageDigest: the content was changed after signing`);
  }
  return {
    digest,
    signature: verifySignatureValue(info, digestName, info.signedAttrsDer, cert.publicKey),
    signingCertificate: checkSigningCertificate(info, cert),
  };
}

function verifySignatureValue(info: SignerInfo, digestName: DigestName, data: Buffer, key: KeyObject): Check {
  try {
    let ok: boolean;
    const alg = info.signatureAlgorithm;
    if (alg === oid.rsassaPss) {
      const pss = readPssParams(info.signatureParams);
      ok = crypto.verify(pss.hash, data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength }, info.signature);
    } else if (alg === oid.rsaEncryption || alg === oid.ecPublicKey) {
      ok = crypto.verify(digestName, data, key, info.signature);
    } else {
      const implied = digestOfSignatureAlgorithm(alg);
      if (!implied) return check('signature', false, `unsupported signature algorithm ${alg}`);
      ok = crypto.verify(implied, data, key, info.signature);
    }
    return check('signature', ok, ok ? 'the signature value is valid for the signer certificate\'s key' : 'the signature value does not verify with the signer certificate\'s key');
  } catch (err) {
    return check('signature', false, `the signature cannot be checked (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** RSASSA-PSS-params (RFC 4055): hash [0] (default SHA-1), mask generation [1], salt length [2] (default 20). */
function readPssParams(params: Asn1 | undefined): { hash: DigestName; saltLength: number } {
  let hash: DigestName = 'sha1';
  let saltLength = 20;
  for (const p of params ? children(params) : []) {
    if (isContext(p, 0)) hash = digestNameOf(readOid(children(children(p)[0]!)[0])) ?? hash;
    if (isContext(p, 2)) saltLength = readInt(children(p)[0]);
  }
  return { hash, saltLength };
}

/** ESS signingCertificateV2 (or v1): the signed hash of the certificate the signer meant. */
function checkSigningCertificate(info: SignerInfo, cert: Certificate): Check {
  const v2 = info.signedAttrs.get(oid.signingCertificateV2)?.[0];
  const v1 = info.signedAttrs.get(oid.signingCertificate)?.[0];
  const node = v2 ?? v1;
  if (!node) return check('signingCertificate', false, 'no signing-certificate attribute binds the signature to its certificate (CAdES requires one)');
  try {
    const first = children(children(node)[0]!)[0]!;
    const fields = children(first);
    let alg: DigestName = v2 ? 'sha256' : 'sha1';
    let k = 0;
    if (v2 && fields[0] && fields[0].type === 16 /* SEQUENCE: hashAlgorithm present */) {
      alg = digestNameOf(readOid(children(fields[0])[0])) ?? alg;
      k = 1;
    }
    const hash = readBytes(fields[k]);
    const ok = hash.equals(crypto.createHash(alg).update(cert.der).digest());
    return check('signingCertificate', ok, ok
      ? `the signed ${v2 ? 'signingCertificateV2' : 'signingCertificate'} attribute names this certificate (${alg})`
      : 'the signed signing-certificate attribute names a different certificate');
  } catch {
    return check('signingCertificate', false, 'the signing-certificate attribute cannot be read');
  }
}

