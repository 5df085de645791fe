import path from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../../clock';
import { verifyExport, type ExportVerification } from '../../export';
import { createLogger } from '../../logger';
import { createSigningService } from '../../signing';
import { CommandExit, configOf, println, type CliIo } from '../context';

export function exportVerifyCommand(exportCmd: Command, io: CliIo): void {
  exportCmd
    .command('verify <zip>')
    .description('check an export offline: every hash, signature and time-stamp, the audit chain; exit 0 intact, 1 not')
    .option('--json', 'print the report as JSON')
    .action(async (zip: string, opts: { json?: boolean }) => {
      // Offline: no database, only the configured trusted roots (TRUST_ANCHORS, or the development PKI's).
      const config = configOf(io);
      const signing = createSigningService({ config, clock: systemClock, logger: createLogger({ level: 'silent' }) });
      let report: ExportVerification;
      try {
        report = await verifyExport(path.resolve(io.cwd, zip), { pdf: signing, timestamps: signing });
      } finally {
        await signing.close();
      }
      if (opts.json) println(io.stdout, JSON.stringify(report, null, 2));
      else printReport(io, zip, report);
      if (!report.intact) throw new CommandExit(1);
    });
}

function printReport(io: CliIo, zip: string, r: ExportVerification): void {
  println(io.stdout, `${zip}: export ${r.exportId ?? '?'} of ${r.institutionId ?? '?'}`);
  println(io.stdout, `  ${r.letters} letters, ${r.files} files, ${r.signaturesChecked} signed PDFs checked`);
  if (r.audit) {
    println(io.stdout, `  audit chain: ${r.audit.entries} entries, ${r.audit.anchors} time-stamps (${r.audit.tokensVerified} verified), last at ${r.audit.lastAnchoredAt ?? '—'}`);
  }
  for (const n of r.notes) println(io.stdout, `  note: ${n}`);
  for (const p of r.problems) println(io.stdout, `  FAIL [${p.check}] ${p.path ? `${p.path}: ` : ''}${p.message}`);
  println(io.stdout, r.intact ? 'INTACT' : `NOT INTACT: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`);
}
