import type { VerificationReport } from '../signing';
import type { Lang } from './messages';

/** What each check of the verifier means, for a reader who is not a cryptographer. */
const checkLabels: Record<Lang, Record<string, string>> = {
  lv: {
    coverage: 'Paraksts aptver dokumentu, un pēc parakstīšanas nekas nav pievienots vai mainīts',
    subFilter: 'Paraksta formāts ir atbalstīts (PAdES)',
    digest: 'Dokuments nav mainīts kopš parakstīšanas',
    signature: 'Paraksts ir matemātiski pareizs',
    signingCertificate: 'Paraksts ir piesaistīts parakstītāja sertifikātam',
    certificate: 'Parakstītāja sertifikāts bija derīgs parakstīšanas brīdī',
    chain: 'Parakstītāja sertifikātu izdevis uzticams sertifikācijas pakalpojumu sniedzējs',
    revocation: 'Parakstītāja sertifikāts nav atsaukts',
    timestamp: 'Parakstam ir laika zīmogs',
    'timestamp.imprint': 'Laika zīmogs attiecas tieši uz šo parakstu',
    'timestamp.signature': 'Laika zīmoga paraksts ir pareizs',
    'timestamp.certificate': 'Laika zīmoga izdevēja sertifikāts ir derīgs',
    'timestamp.chain': 'Laika zīmoga izdevējs ir uzticams',
  },
  en: {
    coverage: 'The signature covers the document, and nothing was added or changed after signing',
    subFilter: 'The signature format is supported (PAdES)',
    digest: 'The document has not changed since it was signed',
    signature: 'The signature is mathematically correct',
    signingCertificate: "The signature is bound to the signer's certificate",
    certificate: "The signer's certificate was valid when signing",
    chain: "The signer's certificate was issued by a trusted provider",
    revocation: "The signer's certificate is not revoked",
    timestamp: 'The signature has a time-stamp',
    'timestamp.imprint': 'The time-stamp is for exactly this signature',
    'timestamp.signature': "The time-stamp's signature is correct",
    'timestamp.certificate': "The time-stamp issuer's certificate is valid",
    'timestamp.chain': 'The time-stamp issuer is trusted',
  },
};

const headlines: Record<Lang, { valid: string; invalid: string; none: string }> = {
  lv: {
    valid: 'Visi paraksti ir derīgi: dokuments nav mainīts, parakstītāji un laika zīmogi ir pārbaudīti.',
    invalid: 'Dokuments NAV derīgi parakstīts. Neizdevušās pārbaudes ir atzīmētas zemāk.',
    none: 'Šajā PDF nav neviena paraksta.',
  },
  en: {
    valid: 'Every signature is valid: the document is unchanged, the signers and time-stamps were checked.',
    invalid: 'The document is NOT validly signed. The failed checks are marked below.',
    none: 'This PDF has no signatures.',
  },
};

/** The verifier's report in plain words, for the verify page and a letter's page. */
export function plainReport(report: VerificationReport, lang: Lang) {
  const labels = checkLabels[lang];
  return {
    valid: report.valid,
    headline: report.signatures.length === 0 ? headlines[lang].none : report.valid ? headlines[lang].valid : headlines[lang].invalid,
    summary: report.summary,
    signatures: report.signatures.map((s, i) => ({
      n: i + 1,
      timestampOnly: s.type === 'document-timestamp',
      signer: s.signer,
      signedAt: s.signedAt,
      timestamp: s.timestamp,
      level: s.level,
      wholeFile: s.coverage?.wholeFile ?? false,
      valid: s.valid,
      checks: s.checks.map((c) => ({ ok: c.ok, label: labels[c.name] ?? c.name, detail: c.detail })),
    })),
  };
}
