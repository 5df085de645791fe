import type { Command } from 'commander';
import type { InstitutionAuditReport } from '../../audit';
import { auditedInstitutions } from '../../store';
import { CommandExit, println, withDeps, type CliIo } from '../context';

/** `sutne audit verify` and `sutne audit anchor`. */
export function auditCommands(program: Command, io: CliIo): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description("check every institution's audit chain and its time-stamps; exit 0 intact, 1 broken (names the first bad entry)")
    .option('--institution <id>', 'only this institution')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { institution?: string; json?: boolean }) => {
      const report = await withDeps(io, async (deps) => {
        const r = await deps.audit.check(opts.institution);
        for (const i of r.institutions) {
          await deps.audit.record({
            action: 'audit.verified', actor: 'cli', institutionId: i.institutionId,
            details: { valid: i.valid, entries: i.entries, ...(i.firstBadEntry ? { firstBadEntry: i.firstBadEntry.n } : {}) },
          });
        }
        return r;
      });
      if (opts.json) println(io.stdout, JSON.stringify(report, null, 2));
      else {
        for (const i of report.institutions) println(io.stdout, describe(i));
        if (!report.institutions.length) println(io.stdout, 'The audit log is empty.');
        println(io.stdout, report.valid ? `Intact: ${report.entries} entries.` : `BROKEN: first bad entry is ${report.firstBadEntry!.institutionId} #${report.firstBadEntry!.n}.`);
      }
      if (!report.valid) throw new CommandExit(1);
    });
  audit
    .command('anchor')
    .description("have the TSA time-stamp each chain's head now (the service does it every AUDIT_ANCHOR_MINUTES)")
    .option('--institution <id>', 'only this institution')
    .action(async (opts: { institution?: string }) => {
      await withDeps(io, async (deps) => {
        const ids = opts.institution ? [opts.institution] : await auditedInstitutions(deps.db);
        for (const id of ids) {
          const a = await deps.audit.anchor(id, 'cli');
          println(io.stdout, a ? `${id}: entry ${a.n} time-stamped at ${a.genTime} by ${a.tsa}` : `${id}: nothing to time-stamp`);
        }
      });
    });
}

function describe(i: InstitutionAuditReport): string {
  if (!i.valid) return `${i.institutionId}: BROKEN at entry ${i.firstBadEntry!.n}: ${i.firstBadEntry!.reason}`;
  const a = i.anchors;
  const stamped = a.count
    ? `${a.count} time-stamp${a.count === 1 ? '' : 's'}${a.tokensChecked ? ` (${a.tokensVerified} verified)` : ' (tokens not checked: no TSA configured)'}, last over entry ${a.lastAnchoredN} at ${a.lastAnchoredAt}; ${a.unanchoredEntries} since`
    : 'not yet time-stamped';
  return `${i.institutionId}: intact, ${i.entries} entries; ${stamped}`;
}
