import type { ManifestHead } from './manifest';

/** `README.txt` of an export: what is in it and how to check it, in Latvian and in English. */
export function exportReadme(head: ManifestHead, letters: number): string {
  const filters = Object.entries(head.filters).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(', ') || '—';
  return `Sūtne — sarakstes eksports / correspondence export
====================================================

Iestāde / Institution:   ${head.institution.name} (reģ. nr. / reg. no. ${head.institution.regNo}; id ${head.institution.id})
Izveidots / Created:     ${head.createdAt}
Eksports / Export id:    ${head.exportId}
Vēstules / Letters:      ${letters}
Atlase / Filters:        ${filters}
Audita ķēde / Audit:     ieraksti / entries 1–${head.audit.chainEntries}; eksporta ieraksts / export entry ${head.audit.exportEntry}


LATVISKI
--------

Arhīvā ir iestādes vēstules tādas, kādas tās tika parakstītas un nosūtītas.

  manifest.json, manifest.csv   saraksts: rinda katrai vēstulei un katra faila SHA-256 kontrolsumma.
                                manifest.csv atveras izklājlapā (UTF-8, atdalītājs – semikols).
  letters/<reģistrācijas nr.>/  mape katrai vēstulei:
      letter.pdf                parakstītā vēstule (PAdES-B-T: elektronisks paraksts ar laika zīmogu)
      materials/                pievienotie darba materiāli
      message.eml               nosūtītā e-pasta ziņa, baits pa baitam tāda, kāda tā tika nosūtīta
      letter.json               vēstules dati: reģistrācijas numurs, adresāts, statuss, laiki, kontrolsummas
  audit/chain.jsonl             iestādes audita žurnāls (tikai identifikatori, bez personas datiem)
  audit/anchors.json            ķēdes galvas laika zīmogi (RFC 3161); audit/anchors/*.tst – tie paši kā faili

Kā pārbaudīt

  1. Ar Sūtni, bez tīkla:   npx sutne export verify <arhīvs>.zip
     Pārbauda katru kontrolsummu, katru parakstu un laika zīmogu, audita ķēdi un tās laika zīmogus.
     Izejas kods 0 – arhīvs ir neskarts; 1 – nav (tiek nosaukts, kas neatbilst).

  2. Bez Sūtnes:
     - kontrolsummas: "sha256sum <fails>" jāsakrīt ar manifest.json sadaļu "files";
     - paraksti: atveriet letter.pdf programmā Adobe Acrobat Reader vai "pdfsig letter.pdf";
     - audita ķēde: katrai audit/chain.jsonl rindai hash = SHA-256(prevHash, kam seko kanoniskais JSON
       no laukiem institutionId, n, at, actor, action, objectType, objectId, requestId, details –
       atslēgas alfabēta secībā, bez atstarpēm); pirmā ieraksta prevHash ir 64 nulles, katra nākamā
       prevHash ir iepriekšējā hash;
     - laika zīmogi: katram audit/anchors.json ierakstam
         openssl ts -verify -digest <digest> -in audit/anchors/<fails>.tst -token_in -CAfile <TSA CA>.pem
       kur <digest> ir SHA-256 no "statement", un ieraksta n hash jāsakrīt ar "headHash".
     Lai pārrakstītu vēsturi, būtu vajadzīga ne tikai datubāze, bet arī laika zīmogu iestādes atslēga.


ENGLISH
-------

This archive holds the institution's letters as they were signed and sent.

  manifest.json, manifest.csv   the list: a row per letter and the SHA-256 of every file.
                                manifest.csv opens in a spreadsheet (UTF-8, semicolon-separated).
  letters/<registration no.>/   a folder per letter:
      letter.pdf                the signed letter (PAdES-B-T: an electronic signature with a time-stamp)
      materials/                the work materials attached to it
      message.eml               the e-mail message, byte for byte as it was sent
      letter.json               the letter's data: registration number, recipient, status, times, hashes
  audit/chain.jsonl             the institution's audit log (ids only, no personal data)
  audit/anchors.json            RFC 3161 time-stamps of the chain's head; audit/anchors/*.tst are the same as files

How to check it

  1. With Sūtne, offline:   npx sutne export verify <archive>.zip
     Checks every hash, every signature and time-stamp, the audit chain and its time-stamps.
     Exit code 0: the archive is intact; 1: it is not (what does not match is named).

  2. Without Sūtne:
     - hashes: "sha256sum <file>" must equal the file's entry under "files" in manifest.json;
     - signatures: open letter.pdf in Adobe Acrobat Reader, or run "pdfsig letter.pdf";
     - the audit chain: for each line of audit/chain.jsonl, hash = SHA-256 of prevHash followed by
       the canonical JSON of institutionId, n, at, actor, action, objectType, objectId, requestId and
       details (keys sorted, no whitespace); the first prevHash is 64 zeros, each next one is the
       hash before it;
     - time-stamps: for each entry of audit/anchors.json
         openssl ts -verify -digest <digest> -in audit/anchors/<file>.tst -token_in -CAfile <TSA CA>.pem
       where <digest> is the SHA-256 of "statement", and entry n's hash must equal "headHash".
     Rewriting history would need not only the database but the time-stamp authority's key as well.
`.replace(/\n/g, '\r\n');
}
