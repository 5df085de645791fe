import crypto from 'node:crypto';
import { elementLength, encode as encodeNode } from '../asn1/der';
import { oid, type DigestName } from '../asn1/oids';
import { CmsError, findSignerCertificate, parseSignedData, type SignedData } from '../cms/parse-signed-data';
import { check, verifySignerInfo, type Check } from '../cms/verify-signer-info';
import type { PdfFile } from '../pdf/pdf-file';
import { parsePdfDate, readTextString } from '../pdf/text';
import { PdfString } from '../pdf/objects';
import type { TrustStore } from '../trust';
import { verifyTimestampToken } from '../tsp/verify-token';
import { Crl } from '../crl';
import { Certificate } from '../certificate';
import { readValidationData } from './add-validation-data';
import { checkCoverage, type Coverage } from './coverage';
import { findSignatures, type FoundSignature } from './find-signatures';

export interface SignatureReport {
  /** The signature field's name. */
  field: string;
  /** A signature, or a document time-stamp (PAdES B-LTA). */
  type: 'signature' | 'document-timestamp';
  /** The signer's certificate name (for a document time-stamp, the TSA's). */
  signer: string | null;
  /** The signing time the signer claims (/M); the time-stamp is the proven one. */
  signedAt: string | null;
  timestamp: { genTime: string; tsa: string } | null;
  /** PAdES-B-B, PAdES-B-T, … or CMS for other detached signatures. */
  level: string;
  subFilter: string | null;
  coverage: Coverage | null;
  valid: boolean;
  checks: Check[];
}

export interface VerificationReport {
  valid: boolean;
  /** The verdict in one sentence. */
  summary: string;
  signatures: SignatureReport[];
}

/**
 * Verifies every signature and document time-stamp of a PDF, made by Sūtne or by any other
 * software: coverage, digest, signature, signing-certificate binding, the signer certificate's
 * validity at the time-stamp's time and its chain to a trusted root, and the time-stamp (imprint,
 * signature, TSA certificate and chain). A signature without a valid time-stamp is not valid
 * here: Latvian law counts a document as signed only with one.
 */
export function verifyPdf(file: PdfFile, trust: TrustStore, now: Date = new Date()): VerificationReport {
  const ltv = readLtv(file);
  const signatures = findSignatures(file).map((s) => {
    try {
      return s.type === 'DocTimeStamp' ? verifyDocTimestamp(file, s, trust) : verifySignature(file, s, trust, now, ltv);
    } catch (err) {
      // A damaged certificate or token inside one signature makes that signature invalid, not the file unreadable.
      return unreadableSignature(s, err);
    }
  });
  const valid = signatures.length > 0 && signatures.every((s) => s.valid);
  return { valid, summary: summarize(signatures, valid), signatures };
}

function verifySignature(file: PdfFile, found: FoundSignature, trust: TrustStore, now: Date, ltv: Ltv | undefined): SignatureReport {
  const checks: Check[] = [];
  const coverage = checkCoverage(file, found.byteRange, found.contents);
  checks.push(coverage.check);
  checks.push(subFilterCheck(found.subFilter));
  const claimed = readClaimedTime(found);
  const report: SignatureReport = {
    field: found.fieldName, type: 'signature', signer: null, signedAt: claimed?.toISOString() ?? null, timestamp: null,
    level: 'unknown', subFilter: found.subFilter ?? null, coverage: coverage.coverage ?? null, valid: false, checks,
  };

  let cms: SignedData;
  try {
    if (!found.contents) throw new CmsError('the signature has no /Contents');
    cms = parseSignedData(found.contents.bytes);
  } catch (err) {
    checks.push(check('signature', false, err instanceof Error ? err.message : String(err)));
    return report;
  }
  const info = cms.signerInfos[0];
  const cert = info && findSignerCertificate(info, cms.certificates);
  if (!info || !cert) {
    checks.push(check('signature', false, 'the signer\'s certificate is not included in the signature'));
    return report;
  }
  report.signer = cert.displayName;
  const ranges = rangeDigests(file.buf, found.byteRange ?? [0, 0, 0, 0]);
  const crypto_ = verifySignerInfo(info, cert, cms.contentType, ranges.digest, ranges.bytes);
  checks.push(crypto_.digest, crypto_.signature);
  if (crypto_.signingCertificate.ok || found.subFilter === 'ETSI.CAdES.detached') checks.push(crypto_.signingCertificate);
  else checks.push(check('signingCertificate', true, 'no signing-certificate attribute; adbe.pkcs7.detached does not require one'));
  if (found.subFilter === 'ETSI.CAdES.detached' && info.signedAttrs.has(oid.signingTime)) {
    checks.push(check('profile', false, 'the CMS has a signingTime attribute, which PAdES baseline forbids'));
  }

  let at = now;
  let tsaCert: Certificate | undefined;
  const tokenNode = info.unsignedAttrs.get(oid.signatureTimeStampToken)?.[0];
  if (!tokenNode) {
    checks.push(check('timestamp', false, 'no signature time-stamp: the signing time is only claimed, not proven (PAdES B-T needs one)'));
  } else {
    const der = encodeNode(tokenNode);
    const token = verifyTimestampToken(der, (alg) => crypto.createHash(alg).update(info.signature).digest(), trust, 'timestamp', cms.certificates);
    checks.push(...token.checks);
    tsaCert = token.tsaCert;
    if (token.info) {
      at = token.info.genTime;
      report.timestamp = { genTime: token.info.genTime.toISOString(), tsa: token.tsaCert?.displayName ?? 'unknown' };
    }
  }
  checks.push(certificateCheck(cert, at, !!report.timestamp));
  const pool = [...cms.certificates, ...(ltv?.certs ?? [])];
  const chain = trust.checkChain('chain', cert, pool, at);
  checks.push({ name: chain.name, ok: chain.ok, detail: chain.detail });
  if (ltv) {
    const chains = [chain.chain];
    if (tsaCert) chains.push(trust.checkChain('tsa', tsaCert, pool, at).chain);
    checks.push(revocationCheck(chains, ltv.crls, at, trust));
  }

  report.level = levelOf(found, report.timestamp !== null, file);
  report.valid = checks.every((c) => c.ok);
  return report;
}

function verifyDocTimestamp(file: PdfFile, found: FoundSignature, trust: TrustStore): SignatureReport {
  const coverage = checkCoverage(file, found.byteRange, found.contents);
  const checks: Check[] = [coverage.check];
  const report: SignatureReport = {
    field: found.fieldName, type: 'document-timestamp', signer: null, signedAt: null, timestamp: null, level: 'PAdES-B-LTA',
    subFilter: found.subFilter ?? null, coverage: coverage.coverage ?? null, valid: false, checks,
  };
  if (!found.contents) {
    checks.push(check('timestamp', false, 'the document time-stamp has no /Contents'));
    return report;
  }
  const ranges = rangeDigests(file.buf, found.byteRange ?? [0, 0, 0, 0]);
  const token = verifyTimestampToken(found.contents.bytes.subarray(0, tokenLength(found.contents.bytes)), ranges.digest, trust);
  checks.push(...token.checks);
  if (token.info) {
    report.timestamp = { genTime: token.info.genTime.toISOString(), tsa: token.tsaCert?.displayName ?? 'unknown' };
    report.signer = report.timestamp.tsa;
  }
  report.valid = checks.every((c) => c.ok);
  return report;
}

function unreadableSignature(found: FoundSignature, err: unknown): SignatureReport {
  return {
    field: found.fieldName, type: found.type === 'DocTimeStamp' ? 'document-timestamp' : 'signature', signer: null, signedAt: null,
    timestamp: null, level: 'unknown', subFilter: found.subFilter ?? null, coverage: null, valid: false,
    checks: [check('signature', false, `the signature cannot be read (${err instanceof Error ? err.message : String(err)})`)],
  };
}

function subFilterCheck(subFilter: string | undefined): Check {
  switch (subFilter) {
    case 'ETSI.CAdES.detached':
      return check('subFilter', true, 'ETSI.CAdES.detached (PAdES)');
    case 'adbe.pkcs7.detached':
      return check('subFilter', true, 'adbe.pkcs7.detached: a detached CMS signature (PDF 1.7), not a PAdES baseline one');
    default:
      return check('subFilter', false, `${subFilter ?? 'no /SubFilter'}: not a supported signature format (use ETSI.CAdES.detached)`);
  }
}

function certificateCheck(cert: Certificate, at: Date, proven: boolean): Check {
  const when = proven ? `at the time-stamp's time ${at.toISOString()}` : `now (${at.toISOString()}; no proven signing time)`;
  if (!cert.isValidAt(at)) {
    return check('certificate', false, `"${cert.displayName}" was not valid ${when} (valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()})`);
  }
  const usage = cert.keyUsage;
  if (usage && !usage.has('digitalSignature') && !usage.has('nonRepudiation')) {
    return check('certificate', false, `"${cert.displayName}" is not allowed to sign documents (key usage)`);
  }
  return check('certificate', true, `"${cert.displayName}" was valid ${when}`);
}

function levelOf(found: FoundSignature, stamped: boolean, file: PdfFile): string {
  if (found.subFilter !== 'ETSI.CAdES.detached') return stamped ? 'CMS with time-stamp' : 'CMS';
  if (!stamped) return 'PAdES-B-B';
  return file.dict(file.catalog.get('DSS')) ? 'PAdES-B-LT' : 'PAdES-B-T';
}

interface Ltv {
  certs: Certificate[];
  crls: Crl[];
}

/** The DSS's certificates and CRLs (PAdES B-LT), or undefined when the document has none. */
function readLtv(file: PdfFile): Ltv | undefined {
  const data = readValidationData(file);
  if (!data) return undefined;
  const certs: Certificate[] = [];
  const crls: Crl[] = [];
  for (const der of data.certs) {
    try {
      certs.push(new Certificate(der));
    } catch {
      // an unreadable entry adds nothing; the checks say what is missing
    }
  }
  for (const der of data.crls) {
    try {
      crls.push(new Crl(der));
    } catch {
      // as above
    }
  }
  return { certs, crls };
}

/**
 * With validation data present, every certificate of the signer's and the TSA's chains (up to the
 * trusted root) must be covered by a CRL from its issuer, issued after the time-stamp, that does
 * not list it.
 */
function revocationCheck(chains: Certificate[][], crls: Crl[], at: Date, trust: TrustStore): Check {
  const notes: string[] = [];
  for (const chain of chains) {
    for (let i = 0; i + 1 < chain.length; i++) {
      const cert = chain[i]!;
      if (trust.isAnchor(cert)) break;
      const issuer = chain[i + 1]!;
      const crl = crls.filter((c) => c.isIssuedBy(issuer)).sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime())[0];
      if (!crl) return check('revocation', false, `the validation data has no CRL from "${issuer.displayName}" for "${cert.displayName}"`);
      const revokedAt = crl.revoked.get(cert.serialHex);
      if (revokedAt && revokedAt <= at) return check('revocation', false, `"${cert.displayName}" was revoked on ${revokedAt.toISOString()}, before the time-stamp`);
      // CRL times are whole seconds; the time-stamp's may have a fraction.
      if (crl.thisUpdate.getTime() < Math.floor(at.getTime() / 1000) * 1000) return check('revocation', false, `the CRL for "${cert.displayName}" (${crl.thisUpdate.toISOString()}) predates the time-stamp, so it cannot show the certificate was good then`);
      notes.push(`"${cert.displayName}" not revoked (CRL of ${crl.thisUpdate.toISOString()})`);
    }
  }
  return check('revocation', true, notes.join('; ') || 'nothing to check below the trusted roots');
}

function readClaimedTime(found: FoundSignature): Date | undefined {
  const m = found.dict.get('M');
  return m instanceof PdfString ? parsePdfDate(readTextString(m)) : undefined;
}

/** Digests of the bytes a /ByteRange names, per algorithm, computed once each. */
function rangeDigests(buf: Buffer, br: number[]): { digest: (alg: DigestName) => Buffer; bytes: () => Buffer } {
  const cache = new Map<DigestName, Buffer>();
  const pieces = () => {
    const out: Buffer[] = [];
    for (let i = 0; i + 1 < br.length; i += 2) out.push(buf.subarray(br[i]!, Math.min(buf.length, br[i]! + br[i + 1]!)));
    return out;
  };
  return {
    digest: (alg) => {
      let d = cache.get(alg);
      if (!d) {
        const h = crypto.createHash(alg);
        for (const p of pieces()) h.update(p);
        d = h.digest();
        cache.set(alg, d);
      }
      return d;
    },
    bytes: () => Buffer.concat(pieces()),
  };
}

function summarize(signatures: SignatureReport[], valid: boolean): string {
  if (!signatures.length) return 'Not valid: the PDF has no signatures.';
  const parts = signatures.map((s) => {
    const who = s.signer ? `"${s.signer}"` : 'an unknown signer';
    const when = s.timestamp ? `, time-stamped ${s.timestamp.genTime} by "${s.timestamp.tsa}"` : '';
    const state = s.valid ? 'valid' : `NOT valid (${s.checks.filter((c) => !c.ok).map((c) => c.name).join(', ')})`;
    return `${s.type === 'signature' ? 'signature' : 'document time-stamp'} by ${who}${when}: ${state}`;
  });
  return `${valid ? 'Valid' : 'Not valid'}: ${parts.join('; ')}.`;
}

function tokenLength(bytes: Buffer): number {
  return elementLength(bytes) ?? bytes.length;
}
