import path from 'node:path';
import type { Command } from 'commander';
import { verifyExport, type ExportVerification, type ExportVerifiers } from '../../export';
import { CommandExit, configOf, println, type CliIo } from '../context';
import type { Config } from '../../config';

/**
 * The verifiers an offline check uses: the signing domain's PDF and time-stamp verifiers over
 * the configured trust anchors. Set once the signing domain provides them (see `offlineVerifiers`).
 */
export type VerifierFactory = (config: Config) => Promise<ExportVerifiers & { close?(): Promise<void> }>;

let verifierFactory: VerifierFactory | undefined;

/** Plugs in how `export verify` builds its verifiers. */
export function useExportVerifiers(factory: VerifierFactory): void {
  verifierFactory = factory;
}

export function exportVerifyCommand(exportCmd: Command, io: CliIo): void {
  exportCmd
    .command('verify <zip>')
    .description('check an export offline: every hash, signature and time-stamp, the audit chain; exit 0 intact, 1 not')
    .option('--json', 'print the report as JSON')
    .action(async (zip: string, opts: { json?: boolean }) => {
      if (!verifierFactory) throw new Error('No signature verifier is available in this build.');
      const verifiers = await verifierFactory(configOf(io));
      let report: ExportVerification;
      try {
        report = await verifyExport(path.resolve(io.cwd, zip), verifiers);
      } finally {
        await verifiers.close?.();
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
