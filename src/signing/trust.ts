import type { Certificate } from './certificate';
import { check, type Check } from './cms/verify-signer-info';

/**
 * The roots this installation trusts: the development CA, the root of the configured P12, and
 * any `TRUST_ANCHORS`. A chain is trusted when it ends in one of them.
 */
export class TrustStore {
  constructor(readonly anchors: readonly Certificate[]) {}

  isAnchor(cert: Certificate): boolean {
    return this.anchors.some((a) => a.equals(cert));
  }

  /**
   * Builds the chain from `leaf` through `intermediates` to a trusted root, checking every
   * issuer's signature, CA flag and validity at `at` (the time-stamp's time when there is one).
   */
  checkChain(name: string, leaf: Certificate, intermediates: readonly Certificate[], at: Date): Check & { chain: Certificate[] } {
    const chain = [leaf];
    for (let current = leaf; chain.length <= 10; ) {
      if (this.isAnchor(current)) return this.finish(name, chain, at);
      const issuer =
        this.anchors.find((a) => current.isIssuedBy(a)) ??
        intermediates.find((c) => !chain.includes(c) && !c.equals(current) && current.isIssuedBy(c));
      if (!issuer) {
        const why = current.isSelfIssued
          ? `"${current.displayName}" is a root this installation does not trust`
          : `the issuer "${current.issuer.text}" of "${current.displayName}" is neither included nor trusted`;
        return { ...check(name, false, `${why} (add the root to TRUST_ANCHORS to trust it)`), chain };
      }
      if (!issuer.isCa || (issuer.keyUsage && !issuer.keyUsage.has('keyCertSign'))) {
        return { ...check(name, false, `"${issuer.displayName}" signed "${current.displayName}" but is not a certificate authority`), chain };
      }
      chain.push(issuer);
      current = issuer;
    }
    return { ...check(name, false, 'the certificate chain is longer than 10'), chain };
  }

  private finish(name: string, chain: Certificate[], at: Date): Check & { chain: Certificate[] } {
    const expired = chain.slice(1).find((c) => !c.isValidAt(at));
    const path = chain.map((c) => `"${c.displayName}"`).join(' → ');
    if (expired) return { ...check(name, false, `${path}: "${expired.displayName}" was not valid at ${at.toISOString()}`), chain };
    return { ...check(name, true, `${path}, a trusted root`), chain };
  }
}
