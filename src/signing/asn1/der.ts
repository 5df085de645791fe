import forge from 'node-forge';

/**
 * Small helpers over node-forge's ASN.1 model, which works in binary strings: these convert at
 * the edges so the rest of the module deals in Buffers.
 */
export type Asn1 = forge.asn1.Asn1;

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const CTX = asn1.Class.CONTEXT_SPECIFIC;
const T = asn1.Type;

export const toBinary = (buf: Uint8Array): string => Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1');
export const fromBinary = (s: string): Buffer => Buffer.from(s, 'latin1');

export function encode(node: Asn1): Buffer {
  return fromBinary(asn1.toDer(node).getBytes());
}

/** Parses DER (or BER) that may be followed by padding, as in a PDF's /Contents. */
export function decode(der: Uint8Array): Asn1 {
  return asn1.fromDer(toBinary(der), { parseAllBytes: false, decodeBitStrings: false } as never);
}

/** Length of the first DER element in `buf` (header included); undefined if it is cut short. */
export function elementLength(buf: Uint8Array): number | undefined {
  if (buf.length < 2) return undefined;
  const first = buf[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || buf.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[2 + i]!;
  return 2 + n + len;
}

export const seq = (...items: Asn1[]): Asn1 => asn1.create(U, T.SEQUENCE, true, items);
export const set = (...items: Asn1[]): Asn1 => asn1.create(U, T.SET, true, items);
export const oidNode = (id: string): Asn1 => asn1.create(U, T.OID, false, asn1.oidToDer(id).getBytes());
export const octets = (buf: Uint8Array): Asn1 => asn1.create(U, T.OCTETSTRING, false, toBinary(buf));
export const nullNode = (): Asn1 => asn1.create(U, T.NULL, false, '');
export const bool = (v: boolean): Asn1 => asn1.create(U, T.BOOLEAN, false, v ? '\xff' : '\x00');
export const generalizedTime = (text: string): Asn1 => asn1.create(U, T.GENERALIZEDTIME, false, text);
export const utf8 = (text: string): Asn1 => asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(text));

/** An INTEGER from unsigned big-endian bytes (a serial number, a nonce). */
export function uint(bytes: Uint8Array): Asn1 {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let body = Buffer.from(bytes.subarray(start));
  if (body.length === 0) body = Buffer.from([0]);
  if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return asn1.create(U, T.INTEGER, false, toBinary(body));
}

export const int = (n: number): Asn1 => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());

/** `[n] EXPLICIT` around one element. */
export const explicit = (n: number, inner: Asn1): Asn1 => asn1.create(CTX, n, true, [inner]);

/** `[n] IMPLICIT` constructed: the children of a SET/SEQUENCE under a context tag. */
export const implicitConstructed = (n: number, items: Asn1[]): Asn1 => asn1.create(CTX, n, true, items);

/** An algorithm identifier; RSA-style algorithms carry an explicit NULL parameter, EC ones none. */
export const algorithm = (id: string, withNull = true): Asn1 => (withNull ? seq(oidNode(id), nullNode()) : seq(oidNode(id)));

/** A DER `SET OF`: the elements sorted by their encodings, as DER requires (X.690 11.6). */
export function sortedSet(items: Asn1[]): Asn1 {
  const encoded = items.map((item) => ({ item, der: encode(item) }));
  encoded.sort((a, b) => Buffer.compare(a.der, b.der));
  return set(...encoded.map((e) => e.item));
}

const parsed = new WeakMap<Uint8Array, Asn1>();

/**
 * Parsed DER as an element, so certificates are embedded byte for byte. Parsed once per buffer:
 * a signer's certificates go into every signature, and node-forge's toDer only reads the tree.
 */
export function raw(der: Uint8Array): Asn1 {
  let node = parsed.get(der);
  if (!node) {
    node = decode(der);
    parsed.set(der, node);
  }
  return node;
}

// ---- reading ----

export function children(node: Asn1): Asn1[] {
  return Array.isArray(node.value) ? (node.value as Asn1[]) : [];
}

export function isUniversal(node: Asn1 | undefined, type: number): boolean {
  return !!node && node.tagClass === U && node.type === type;
}

export function isContext(node: Asn1 | undefined, n: number): boolean {
  return !!node && node.tagClass === CTX && node.type === n;
}

export function readOid(node: Asn1 | undefined): string {
  if (!isUniversal(node, T.OID)) throw new Asn1Error('expected an object identifier');
  return asn1.derToOid(node!.value as string);
}

/** The content bytes of a primitive element; a BER constructed OCTET STRING is joined. */
export function readBytes(node: Asn1 | undefined): Buffer {
  if (!node) throw new Asn1Error('missing element');
  if (typeof node.value === 'string') return fromBinary(node.value);
  return Buffer.concat(children(node).map((c) => readBytes(c)));
}

export function readInt(node: Asn1 | undefined): number {
  if (!isUniversal(node, T.INTEGER)) throw new Asn1Error('expected an integer');
  return asn1.derToInteger(node!.value as string);
}

/** An INTEGER's value as unsigned hex, leading zeros dropped (serial numbers, nonces). */
export function readUintHex(node: Asn1 | undefined): string {
  if (!isUniversal(node, T.INTEGER)) throw new Asn1Error('expected an integer');
  const hex = readBytes(node).toString('hex').replace(/^(00)+/, '');
  return hex || '00';
}

export function readTime(node: Asn1 | undefined): Date {
  if (isUniversal(node, T.GENERALIZEDTIME)) return asn1.generalizedTimeToDate(node!.value as string);
  if (isUniversal(node, T.UTCTIME)) return asn1.utcTimeToDate(node!.value as string);
  throw new Asn1Error('expected a time');
}

export class Asn1Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Asn1Error';
  }
}

export const asn1Types = T;

/** An INTEGER with the given content bytes, as read from another structure. */
export const integerContent = (content: Uint8Array): Asn1 => asn1.create(U, T.INTEGER, false, toBinary(content));

/** UTCTime, which RFC 5280 requires for dates up to 2049 in certificates and CRLs. */
export const utcTime = (d: Date): Asn1 => asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(d));
