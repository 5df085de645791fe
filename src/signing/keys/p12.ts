import crypto, { type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { encode, fromBinary, toBinary } from '../asn1/der';
import { Certificate } from '../certificate';

export interface P12Contents {
  privateKey: KeyObject;
  /** The certificate of the key first, then its issuers found in the file, leaf to root. */
  chain: Certificate[];
}

/**
 * Reads a PKCS#12 file (an institution's seal or signature certificate as its vendor issues
 * it). node-forge reads OpenSSL 3's AES/PBKDF2 files and the older "-legacy" ones; keys and
 * certificates it cannot model itself (ECDSA) are taken from its ASN.1 and handed to node:crypto.
 */
export function readP12(file: Buffer, password: string): P12Contents {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(toBinary(file)), false, password);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/MAC could not be verified|Invalid password/i.test(message)) {
      throw new P12Error('the password does not open it (check SIGNING_P12_PASSWORD)');
    }
    throw new P12Error(`it is not a readable PKCS#12 file (${message})`);
  }
  const certs: Certificate[] = [];
  for (const bag of p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []) {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag as { asn1?: forge.asn1.Asn1 }).asn1;
    if (asn1) certs.push(new Certificate(encode(asn1)));
  }
  const keys: KeyObject[] = [];
  for (const type of [forge.pki.oids.pkcs8ShroudedKeyBag!, forge.pki.oids.keyBag!]) {
    for (const bag of p12.getBags({ bagType: type })[type] ?? []) {
      const info = bag.key
        ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))
        : (bag as { asn1?: forge.asn1.Asn1 }).asn1;
      if (info) keys.push(crypto.createPrivateKey({ key: fromBinary(forge.asn1.toDer(info).getBytes()), format: 'der', type: 'pkcs8' }));
    }
  }
  if (!keys.length) throw new P12Error('it holds no private key');
  for (const privateKey of keys) {
    const spki = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const leaf = certs.find((c) => c.publicKey.export({ type: 'spki', format: 'der' }).equals(spki));
    if (leaf) return { privateKey, chain: orderChain(leaf, certs) };
  }
  throw new P12Error('none of its certificates belongs to its private key');
}

/** Leaf first, each next certificate the issuer of the one before, as far as the file goes. */
function orderChain(leaf: Certificate, pool: Certificate[]): Certificate[] {
  const chain = [leaf];
  for (let current = leaf; !current.isSelfIssued; ) {
    const issuer = pool.find((c) => !chain.includes(c) && current.isIssuedBy(c));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

export class P12Error extends Error {
  constructor(reason: string) {
    super(`SIGNING_P12 cannot be used: ${reason}.`);
    this.name = 'P12Error';
  }
}
