/** Object identifiers used by CMS, RFC 3161, ESS and X.509 in this module. */
export const oid = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',

  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',

  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',

  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  mgf1: '1.2.840.113549.1.1.8',

  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  givenName: '2.5.4.42',
  organizationIdentifier: '2.5.4.97',

  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlDistributionPoints: '2.5.29.31',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',

  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
  kpEmailProtection: '1.3.6.1.5.5.7.3.4',
  anyExtendedKeyUsage: '2.5.29.37.0',

  /** The example arc of X.660 (2.999): a development TSA's policy must not look like a real one. */
  devTsaPolicy: '2.999.3161.1',
} as const;

export type DigestName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const digestByOid: Record<string, DigestName> = {
  [oid.sha1]: 'sha1',
  [oid.sha256]: 'sha256',
  [oid.sha384]: 'sha384',
  [oid.sha512]: 'sha512',
};

export function digestNameOf(algorithmOid: string): DigestName | undefined {
  return digestByOid[algorithmOid];
}

export function digestOidOf(name: DigestName): string {
  return oid[name];
}

/** The digest a combined signature algorithm (sha256WithRSAEncryption, ecdsa-with-SHA384…) implies. */
export function digestOfSignatureAlgorithm(algorithmOid: string): DigestName | undefined {
  switch (algorithmOid) {
    case oid.sha1WithRsa:
    case oid.ecdsaWithSha1:
      return 'sha1';
    case oid.sha256WithRsa:
    case oid.ecdsaWithSha256:
      return 'sha256';
    case oid.sha384WithRsa:
    case oid.ecdsaWithSha384:
      return 'sha384';
    case oid.sha512WithRsa:
    case oid.ecdsaWithSha512:
      return 'sha512';
    default:
      return undefined;
  }
}
