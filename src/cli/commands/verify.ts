import type { Command } from 'commander';
import type { VerificationReport } from '../../signing';
import { CommandExit, println, type CliIo } from '../context';
import { readInputPdf, signingFromEnv, unusableInput } from './sign';

export function verifyCommand(program: Command, io: CliIo): void {
  program
    .command('verify <file>')
    .description('verify every signature and time-stamp in a PDF (exit 0 valid, 1 not valid, 2 unusable input)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const pdf = await readInputPdf(io, file);
      const signing = signingFromEnv(io);
      let report: VerificationReport;
      try {
        report = await signing.verifyPdf(pdf);
      } catch (err) {
        throw unusableInput(io, err);
      } finally {
        await signing.close();
      }
      if (opts.json) println(io.stdout, JSON.stringify(report, null, 2));
      else printReport(io, file, report);
      if (!report.valid) throw new CommandExit(1);
    });
}

function printReport(io: CliIo, file: string, report: VerificationReport): void {
  println(io.stdout, `${file}: ${report.summary}`);
  report.signatures.forEach((s, i) => {
    println(io.stdout);
    println(io.stdout, `${s.type === 'signature' ? 'Signature' : 'Document time-stamp'} ${i + 1} (${s.field}): ${s.level}, ${s.valid ? 'valid' : 'NOT VALID'}`);
    if (s.signer) println(io.stdout, `  signer:     ${s.signer}`);
    if (s.signedAt) println(io.stdout, `  claimed:    ${s.signedAt}`);
    println(io.stdout, `  time-stamp: ${s.timestamp ? `${s.timestamp.genTime} by ${s.timestamp.tsa}` : 'none'}`);
    if (s.coverage) {
      println(io.stdout, `  coverage:   ${s.coverage.wholeFile ? 'the whole file' : `revision ${s.coverage.revision} of ${s.coverage.revisions}, not the whole file`}`);
    }
    const width = Math.max(...s.checks.map((c) => c.name.length));
    for (const c of s.checks) println(io.stdout, `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(width)}  ${c.detail}`);
  });
}
