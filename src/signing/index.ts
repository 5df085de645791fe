/**
 * Signing: PAdES baseline B-T signatures on any PDF (node-forge CMS, RFC 3161 time-stamps), the
 * development PKI and TSA, and a verifier for signatures made by any software. A pure module over
 * buffers; the only side effects are loading keys and the time-stamp requests, behind
 * `Signer` and `TimestampAuthority`.
 */
export { createSigningService, type SigningService, type SigningConfig, type SignOptions, type SigningIdentity, type TokenVerdict } from './signing-service';
export type { SignedPdf } from './pades/sign-pdf';
export type { VerificationReport, SignatureReport } from './pades/verify-pdf';
export type { Coverage } from './pades/coverage';
export type { Check } from './cms/verify-signer-info';
export type { Signer, TimestampAuthority, TimestampToken } from './signer';
export { isUnchangedPrefix } from './pades/prefix';
