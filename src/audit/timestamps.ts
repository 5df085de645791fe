/**
 * What the audit log needs from a time-stamp authority: the same shape as the signing domain's
 * `TimestampAuthority`, so its client (the embedded development TSA or a qualified one) plugs in
 * as it is.
 */
export interface AnchorTimestamper {
  /** Where the tokens come from (a URL), for reports. */
  readonly name: string;
  timestamp(digest: Buffer, digestName: 'sha256'): Promise<{ der: Buffer; genTime: Date; tsa: string }>;
}

/** The verdict on one RFC 3161 token over a known digest. */
export interface TokenVerdict {
  ok: boolean;
  genTime?: string | undefined;
  tsa?: string | undefined;
  /** Why it failed, or what was checked. */
  detail: string;
}

/**
 * Checks a TimeStampToken offline: its signature, the TSA certificate's trust, and that its
 * message imprint is `digest` (SHA-256).
 */
export interface TimestampTokenVerifier {
  verifyToken(der: Buffer, digest: Buffer): Promise<TokenVerdict>;
}
