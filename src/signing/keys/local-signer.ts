import crypto, { type KeyObject } from 'node:crypto';
import { oid, type DigestName } from '../asn1/oids';
import type { Certificate } from '../certificate';
import type { Signer } from '../signer';

/**
 * A signer whose private key is in this process. The RSA or ECDSA operation runs in
 * `node:crypto` (OpenSSL): about a hundred times faster than node-forge's JavaScript RSA.
 */
export class LocalKeySigner implements Signer {
  readonly digest: DigestName = 'sha256';
  readonly signatureAlgorithm: { oid: string; nullParameters: boolean };

  constructor(private readonly privateKey: KeyObject, readonly chain: readonly Certificate[]) {
    if (!chain.length) throw new Error('a signer needs its certificate');
    assertKeyMatches(privateKey, chain[0]!);
    switch (privateKey.asymmetricKeyType) {
      case 'rsa':
        // As OpenSSL and most PAdES producers write it; validators accept it and the combined OIDs alike.
        this.signatureAlgorithm = { oid: oid.rsaEncryption, nullParameters: true };
        break;
      case 'ec':
        this.signatureAlgorithm = { oid: oid.ecdsaWithSha256, nullParameters: false };
        break;
      default:
        throw new Error(`keys of type ${privateKey.asymmetricKeyType ?? 'unknown'} cannot sign PAdES here; use RSA or ECDSA`);
    }
  }

  sign(data: Buffer): Promise<Buffer> {
    return Promise.resolve(crypto.sign(this.digest, data, this.privateKey));
  }
}

/** Refuses a key that does not belong to the certificate, before it signs anything. */
export function assertKeyMatches(privateKey: KeyObject, cert: Certificate): void {
  const fromKey = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const fromCert = cert.publicKey.export({ type: 'spki', format: 'der' });
  if (!fromKey.equals(fromCert)) {
    throw new Error(`the private key does not belong to the certificate "${cert.displayName}"`);
  }
}
