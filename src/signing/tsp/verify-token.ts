import crypto from 'node:crypto';
import { oid, type DigestName } from '../asn1/oids';
import type { Certificate } from '../certificate';
import { findSignerCertificate, parseSignedData } from '../cms/parse-signed-data';
import { check, verifySignerInfo, type Check } from '../cms/verify-signer-info';
import type { TrustStore } from '../trust';
import { decodeTstInfo, type TstInfo } from './messages';

export interface VerifiedToken {
  ok: boolean;
  info: TstInfo | undefined;
  tsaCert: Certificate | undefined;
  checks: Check[];
}

/**
 * Every check of an RFC 3161 token: what it stamps (`imprintOf` answers the expected digest for
 * the token's algorithm), its signature, its TSA certificate (critical timeStamping as the only
 * extended key usage, valid at the stamped time) and the TSA's chain to a trusted root.
 * `prefix` names the checks (`timestamp` for a signature's token).
 */
export function verifyTimestampToken(
  der: Buffer,
  imprintOf: (alg: DigestName) => Buffer,
  trust: TrustStore,
  prefix = 'timestamp',
  knownCertificates: readonly Certificate[] = [],
): VerifiedToken {
  const fail = (detail: string): VerifiedToken => ({ ok: false, info: undefined, tsaCert: undefined, checks: [check(prefix, false, detail)] });
  let sd;
  let info: TstInfo;
  try {
    sd = parseSignedData(der);
    if (sd.contentType !== oid.tstInfo || !sd.content) return fail('the token does not carry a TSTInfo');
    info = decodeTstInfo(sd.content);
  } catch (err) {
    return fail(`the time-stamp token cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  const checks: Check[] = [check(prefix, true, `time-stamped at ${info.genTime.toISOString()} (serial ${info.serialHex})`)];

  if (!info.digestName || info.digestName === 'sha1') {
    checks.push(check(`${prefix}.imprint`, false, `the token stamps a ${info.digestName ?? info.digestAlgorithm} digest, which is not accepted`));
  } else {
    const ok = info.imprint.equals(imprintOf(info.digestName));
    checks.push(check(`${prefix}.imprint`, ok, ok ? `the token stamps the ${info.digestName} of exactly these bytes` : 'the token stamps other bytes: it does not belong here'));
  }

  const signerInfo = sd.signerInfos[0];
  const tsaCert = signerInfo && findSignerCertificate(signerInfo, [...sd.certificates, ...knownCertificates]);
  if (!signerInfo || !tsaCert) {
    checks.push(check(`${prefix}.signature`, false, 'the TSA\'s certificate is not in the token (request it with certReq)'));
    return { ok: false, info, tsaCert: undefined, checks };
  }
  const content = sd.content;
  const v = verifySignerInfo(signerInfo, tsaCert, oid.tstInfo, (alg) => crypto.createHash(alg).update(content).digest());
  const sigOk = v.digest.ok && v.signature.ok && v.signingCertificate.ok;
  checks.push(check(`${prefix}.signature`, sigOk, sigOk ? `signed by "${tsaCert.displayName}"` : [v.digest, v.signature, v.signingCertificate].filter((c) => !c.ok).map((c) => c.detail).join('; ')));

  checks.push(checkTsaCertificate(tsaCert, info.genTime, `${prefix}.certificate`));
  const chain = trust.checkChain(`${prefix}.chain`, tsaCert, [...sd.certificates, ...knownCertificates], info.genTime);
  checks.push({ name: chain.name, ok: chain.ok, detail: chain.detail });
  return { ok: checks.every((c) => c.ok), info, tsaCert, checks };
}

/** RFC 3161 2.3: the TSA's certificate has exactly one extended key usage, timeStamping, critical. */
export function checkTsaCertificate(cert: Certificate, at: Date, name: string): Check {
  const eku = cert.extKeyUsage;
  if (!eku || !eku.critical || eku.oids.length !== 1 || eku.oids[0] !== oid.kpTimeStamping) {
    return check(name, false, `"${cert.displayName}" is not a time-stamping certificate (it needs a critical extended key usage of timeStamping alone)`);
  }
  if (!cert.isValidAt(at)) return check(name, false, `"${cert.displayName}" was not valid at ${at.toISOString()}`);
  return check(name, true, `"${cert.displayName}" is a time-stamping certificate, valid at the stamped time`);
}
