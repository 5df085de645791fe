import crypto, { type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { children, decode, encode, isContext, isUniversal, readBytes, readOid, readTime, readUintHex, type Asn1, asn1Types as T } from './asn1/der';
import { oid } from './asn1/oids';

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue's content (the DER of the extension's own value). */
  value: Buffer;
}

const keyUsageBits = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsage = (typeof keyUsageBits)[number];

/**
 * An X.509 certificate read from DER. Works for any key type (node-forge's own certificate
 * parser reads RSA keys only; qualified certificates on cards are often ECDSA), so the fields
 * come from the ASN.1 and the key and signature work from `node:crypto`.
 */
export class Certificate {
  readonly serialHex: string;
  /** The serial number's INTEGER content as encoded, for issuerAndSerialNumber. */
  readonly serialBytes: Buffer;
  /** DER of the issuer and subject Names, compared byte for byte when building chains. */
  readonly issuerDer: Buffer;
  readonly subjectDer: Buffer;
  readonly issuerNode: Asn1;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: Extension[];
  readonly subject: NameParts;
  readonly issuer: NameParts;
  private x509Cache: crypto.X509Certificate | undefined;
  private sha256Cache: Buffer | undefined;

  constructor(readonly der: Buffer) {
    const cert = decode(der);
    const tbs = children(children(cert)[0]!);
    let i = isContext(tbs[0], 0) ? 1 : 0;
    const serial = tbs[i++];
    this.serialHex = readUintHex(serial);
    this.serialBytes = readBytes(serial);
    i++; // signature algorithm (repeated outside the TBS)
    this.issuerNode = tbs[i++]!;
    this.issuerDer = encode(this.issuerNode);
    const validity = children(tbs[i++]!);
    this.notBefore = readTime(validity[0]);
    this.notAfter = readTime(validity[1]);
    const subjectNode = tbs[i++]!;
    this.subjectDer = encode(subjectNode);
    this.subject = readName(subjectNode);
    this.issuer = readName(this.issuerNode);
    const extWrapper = tbs.find((n) => isContext(n, 3));
    this.extensions = extWrapper ? children(children(extWrapper)[0]!).map(readExtension) : [];
  }

  static fromPem(pem: string): Certificate {
    const block = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
    if (!block) throw new Error('not a PEM certificate');
    return new Certificate(Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64'));
  }

  /** Every certificate in a PEM bundle. */
  static allFromPem(pem: string): Certificate[] {
    return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => Certificate.fromPem(m[0]));
  }

  get x509(): crypto.X509Certificate {
    return (this.x509Cache ??= new crypto.X509Certificate(this.der));
  }

  get publicKey(): KeyObject {
    return this.x509.publicKey;
  }

  get sha256(): Buffer {
    return (this.sha256Cache ??= crypto.createHash('sha256').update(this.der).digest());
  }

  get pem(): string {
    return `-----BEGIN CERTIFICATE-----\n${this.der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  }

  /** A short human name: the common name, else the organisation. */
  get displayName(): string {
    return this.subject.get(oid.commonName) ?? this.subject.get(oid.organization) ?? this.subject.text;
  }

  extension(id: string): Extension | undefined {
    return this.extensions.find((e) => e.oid === id);
  }

  /** Key usages the certificate allows; undefined when it does not restrict them. */
  get keyUsage(): Set<KeyUsage> | undefined {
    const ext = this.extension(oid.keyUsage);
    if (!ext) return undefined;
    const bits = readBytes(decode(ext.value));
    const unused = bits[0] ?? 0;
    const used = new Set<KeyUsage>();
    const total = (bits.length - 1) * 8 - unused;
    for (let b = 0; b < Math.min(total, keyUsageBits.length); b++) {
      if (bits[1 + (b >> 3)]! & (0x80 >> (b & 7))) used.add(keyUsageBits[b]!);
    }
    return used;
  }

  /** Extended key usage OIDs; undefined when the certificate has none (no restriction). */
  get extKeyUsage(): { oids: string[]; critical: boolean } | undefined {
    const ext = this.extension(oid.extKeyUsage);
    if (!ext) return undefined;
    return { oids: children(decode(ext.value)).map((n) => readOid(n)), critical: ext.critical };
  }

  get isCa(): boolean {
    const ext = this.extension(oid.basicConstraints);
    if (!ext) return false;
    const first = children(decode(ext.value))[0];
    return isUniversal(first, T.BOOLEAN) && (first!.value as string) !== '\x00';
  }

  get isSelfIssued(): boolean {
    return this.issuerDer.equals(this.subjectDer);
  }

  isValidAt(when: Date): boolean {
    return when >= this.notBefore && when <= this.notAfter;
  }

  /** True if `issuer` names this certificate's issuer and its key made this certificate's signature. */
  isIssuedBy(issuer: Certificate): boolean {
    if (!this.issuerDer.equals(issuer.subjectDer)) return false;
    try {
      return this.x509.verify(issuer.publicKey);
    } catch {
      return false;
    }
  }

  equals(other: Certificate): boolean {
    return this.der.equals(other.der);
  }
}

/** A distinguished name: its attributes in order, and a readable one-line form. */
export class NameParts {
  constructor(readonly attributes: Array<{ oid: string; value: string }>) {}

  get(id: string): string | undefined {
    return this.attributes.find((a) => a.oid === id)?.value;
  }

  get text(): string {
    return this.attributes.map((a) => `${shortNames[a.oid] ?? a.oid}=${a.value}`).join(', ');
  }
}

const shortNames: Record<string, string> = {
  [oid.commonName]: 'CN',
  [oid.surname]: 'SN',
  [oid.givenName]: 'GN',
  [oid.serialNumber]: 'serialNumber',
  [oid.country]: 'C',
  [oid.locality]: 'L',
  [oid.organization]: 'O',
  [oid.organizationalUnit]: 'OU',
  [oid.organizationIdentifier]: 'organizationIdentifier',
};

function readName(node: Asn1): NameParts {
  const attributes: Array<{ oid: string; value: string }> = [];
  for (const rdn of children(node)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      attributes.push({ oid: readOid(type), value: readDirectoryString(value!) });
    }
  }
  return new NameParts(attributes);
}

/** Decodes the string types a Name may hold; UTF8String values like "Sociālais dienests" come out whole. */
function readDirectoryString(node: Asn1): string {
  if (node.type === T.BMPSTRING) return node.value as string;
  const bytes = readBytes(node);
  switch (node.type as number) {
    case T.UTF8:
      return forge.util.decodeUtf8(node.value as string);
    case 28: {
      // UniversalString: UCS-4 big-endian.
      let out = '';
      for (let i = 0; i + 3 < bytes.length; i += 4) out += String.fromCodePoint(bytes.readUInt32BE(i));
      return out;
    }
    default:
      return bytes.toString('latin1');
  }
}

function readExtension(node: Asn1): Extension {
  const parts = children(node);
  const critical = isUniversal(parts[1], T.BOOLEAN) && (parts[1]!.value as string) !== '\x00';
  return { oid: readOid(parts[0]), critical, value: readBytes(parts[parts.length - 1]) };
}

