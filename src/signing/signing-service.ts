import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { AppError, isAppError } from '../errors';
import type { Logger } from '../logger';
import { Certificate } from './certificate';
import { loadOrCreateDevPki, type DevPki } from './keys/dev-pki';
import { LocalKeySigner } from './keys/local-signer';
import { readP12 } from './keys/p12';
import { parseSignedData } from './cms/parse-signed-data';
import { issueDevCrl } from './keys/dev-crl';
import { addValidationData } from './pades/add-validation-data';
import { signPdf, type SignedPdf } from './pades/sign-pdf';
import { verifyPdf, type VerificationReport } from './pades/verify-pdf';
import { PdfFile } from './pdf/pdf-file';
import { PdfSyntaxError } from './pdf/parser';
import type { Signer, TimestampAuthority } from './signer';
import { TrustStore } from './trust';
import { DevTsaServer } from './tsp/dev-tsa';
import { HttpTimestampAuthority } from './tsp/http-tsa';
import { verifyTimestampToken } from './tsp/verify-token';

export type SigningConfig = Pick<Config, 'dataDir' | 'signingP12' | 'signingP12Password' | 'tsaUrl' | 'tsaTimeoutMs' | 'trustAnchors'>;

export interface SignOptions {
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** PAdES B-LT: append the certificates and CRLs (a DSS) after the signature. */
  ltv?: boolean;
}

/** Who signs and who time-stamps, for readiness reports and the CLI. */
export interface SigningIdentity {
  signer: string;
  signerValidUntil: string;
  tsa: string;
  /** True when the generated development PKI or the embedded TSA is in use. */
  development: boolean;
}

/** Signing and verifying PDFs with this installation's key, TSA and trusted roots. */
/** The verdict on one RFC 3161 token. */
export interface TokenVerdict {
  ok: boolean;
  genTime?: string;
  tsa?: string;
  detail: string;
}

export interface SigningService {
  /** Signs any PDF as PAdES-B-T; `TSA_UNAVAILABLE` (503) if no valid time-stamp could be had. */
  signPdf(pdf: Buffer, opts?: SignOptions): Promise<SignedPdf>;
  /** Verifies every signature in a PDF; `UNPROCESSABLE` if the bytes are not a readable PDF. */
  verifyPdf(pdf: Buffer): Promise<VerificationReport>;
  /** Loads the key (generating the development PKI the first time) and checks it can sign now. */
  ready(): Promise<SigningIdentity>;
  /**
   * The configured TSA (or the embedded one, started on first use) for other uses of RFC 3161,
   * such as anchoring the audit log: every token it answers has been checked.
   */
  readonly timestamper: TimestampAuthority;
  /** Checks an RFC 3161 token over a SHA-256 digest offline, against the trusted roots. */
  verifyToken(der: Buffer, digest: Buffer): Promise<TokenVerdict>;
  close(): Promise<void>;
}

interface Material {
  signer: Signer;
  trust: TrustStore;
  devPki: DevPki | undefined;
  development: boolean;
}

export function createSigningService(o: { config: SigningConfig; clock: Clock; logger?: Logger }): SigningService {
  const { config, clock, logger } = o;
  let material: Promise<Material> | undefined;
  let tsa: Promise<{ authority: TimestampAuthority; server?: DevTsaServer }> | undefined;
  let tokenSizeHint: number | undefined;

  const load = (): Promise<Material> =>
    (material ??= loadMaterial(config, logger).catch((err: unknown) => {
      material = undefined; // a fixed P12 or password is picked up on the next try
      throw err;
    }));

  const timestampAuthority = async (): Promise<TimestampAuthority> => {
    const m = await load();
    tsa ??= (async () => {
      if (config.tsaUrl) return { authority: new HttpTimestampAuthority(config.tsaUrl, m.trust, { timeoutMs: config.tsaTimeoutMs }) };
      const pki = m.devPki!;
      const server = await DevTsaServer.start(new LocalKeySigner(pki.tsa.key, [pki.tsa.cert, pki.ca.cert]), clock);
      logger?.info({ url: server.url }, 'embedded development time-stamp authority listening (not for real letters)');
      return { authority: new HttpTimestampAuthority(server.url, m.trust, { timeoutMs: config.tsaTimeoutMs }), server };
    })().catch((err: unknown) => {
      tsa = undefined;
      throw err;
    });
    return (await tsa).authority;
  };

  return {
    async signPdf(pdf, opts = {}) {
      const m = await load();
      const authority = await timestampAuthority();
      let file: PdfFile;
      try {
        file = PdfFile.parse(pdf);
      } catch (err) {
        throw unreadable(err);
      }
      const { ltv, ...fieldOptions } = opts;
      try {
        const signed = await signPdf(file.buf, { signer: m.signer, tsa: authority, clock, tokenSizeHint, ...fieldOptions });
        tokenSizeHint = Math.max(tokenSizeHint ?? 0, signed.timestamp.der.length + 256);
        if (!ltv) return signed;
        const certs = uniqueCerts([...m.signer.chain, ...parseSignedData(signed.timestamp.der).certificates]);
        const crls = revocationData(m, certs, clock.now());
        return { ...signed, pdf: addValidationData(PdfFile.parse(signed.pdf), { certs: certs.map((c) => c.der), crls }) };
      } catch (err) {
        if (err instanceof PdfSyntaxError) throw unreadable(err);
        throw err;
      }
    },

    async verifyPdf(pdf) {
      const m = await load();
      let file: PdfFile;
      try {
        file = PdfFile.parse(pdf);
        return verifyPdf(file, m.trust, clock.now());
      } catch (err) {
        if (isAppError(err)) throw err;
        throw unreadable(err);
      }
    },

    async ready() {
      const m = await load();
      const cert = m.signer.chain[0]!;
      const now = clock.now();
      if (!cert.isValidAt(now)) {
        throw new AppError('DEPENDENCY_UNAVAILABLE', `The signing certificate "${cert.displayName}" is not valid now (valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}).`);
      }
      return {
        signer: cert.displayName,
        signerValidUntil: cert.notAfter.toISOString(),
        tsa: config.tsaUrl ?? 'embedded development TSA',
        development: m.development,
      };
    },

    timestamper: {
      get name() {
        return config.tsaUrl ?? 'embedded development TSA';
      },
      timestamp: async (digest, digestName) => (await timestampAuthority()).timestamp(digest, digestName),
    },

    async verifyToken(der, digest) {
      const m = await load();
      const token = verifyTimestampToken(der, (alg) => (alg === 'sha256' ? digest : Buffer.alloc(0)), m.trust);
      const bad = token.checks.filter((c) => !c.ok);
      return {
        ok: token.ok,
        ...(token.info ? { genTime: token.info.genTime.toISOString() } : {}),
        ...(token.tsaCert ? { tsa: token.tsaCert.displayName } : {}),
        detail: bad.length ? bad.map((c) => c.detail).join('; ') : 'the token is intact, stamps this digest, and its TSA chains to a trusted root',
      };
    },

    async close() {
      const t = tsa;
      tsa = undefined;
      const server = t && (await t.catch(() => undefined))?.server;
      await server?.close();
    },
  };
}

async function loadMaterial(config: SigningConfig, logger: Logger | undefined): Promise<Material> {
  let devPki: DevPki | undefined;
  if (!config.signingP12 || !config.tsaUrl) {
    const dir = path.join(config.dataDir, 'pki');
    const existed = fs.existsSync(path.join(dir, 'dev-pki.json'));
    devPki = await loadOrCreateDevPki(dir);
    if (!existed) logger?.warn({ dir }, 'development PKI generated: letters signed with it are for testing only');
  }
  const anchors: Certificate[] = [];
  let signer: Signer;
  if (config.signingP12) {
    let p12;
    try {
      p12 = readP12(fs.readFileSync(config.signingP12), config.signingP12Password ?? '');
    } catch (err) {
      throw new AppError('DEPENDENCY_UNAVAILABLE', err instanceof Error ? err.message : String(err), undefined, { cause: err });
    }
    signer = new LocalKeySigner(p12.privateKey, p12.chain);
    // The operator installed this chain: its root is trusted for verifying too.
    const top = p12.chain[p12.chain.length - 1]!;
    if (top.isSelfIssued) anchors.push(top);
  } else {
    signer = new LocalKeySigner(devPki!.signer.key, [devPki!.signer.cert, devPki!.ca.cert]);
  }
  if (devPki) anchors.push(devPki.ca.cert);
  if (config.trustAnchors) {
    const extra = Certificate.allFromPem(fs.readFileSync(config.trustAnchors, 'utf8'));
    if (!extra.length) throw new AppError('DEPENDENCY_UNAVAILABLE', `TRUST_ANCHORS (${config.trustAnchors}) holds no PEM certificates.`);
    anchors.push(...extra);
  }
  return { signer, trust: new TrustStore(anchors), devPki, development: !config.signingP12 || !config.tsaUrl };
}

function uniqueCerts(certs: Certificate[]): Certificate[] {
  return certs.filter((c, i) => certs.findIndex((d) => d.equals(c)) === i);
}

/**
 * CRLs for every certificate below a root. Only the development CA's can be issued here; for an
 * institution's certificate the CA's published CRL or OCSP would be fetched (not built yet).
 */
function revocationData(m: Material, certs: Certificate[], now: Date): Buffer[] {
  const ca = m.devPki?.ca;
  const foreign = certs.find((c) => !c.isSelfIssued && !(ca && c.isIssuedBy(ca.cert)));
  if (!ca || foreign) {
    throw new AppError('DEPENDENCY_UNAVAILABLE', `PAdES B-LT needs revocation data for "${(foreign ?? certs[0])!.displayName}", and only the development CA's CRL can be made here; sign without ltv.`);
  }
  return [issueDevCrl(ca, { now })];
}

function unreadable(err: unknown): AppError {
  const why = err instanceof Error ? err.message : String(err);
  return new AppError('UNPROCESSABLE', `The file is not a PDF that can be read: ${why}.`, undefined, { cause: err });
}
