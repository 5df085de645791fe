import type { Command } from 'commander';
import { purgeExpired } from '../../retention';
import { println, withDeps, type CliIo } from '../context';

export function retentionCommands(program: Command, io: CliIo): void {
  const retention = program.command('retention').description('deleting case data after RETENTION_DAYS');
  retention
    .command('run')
    .description('delete case data, work materials and letter files older than RETENTION_DAYS now (the service also does this hourly)')
    .option('--dry-run', 'only count the cases that are due')
    .action(async (opts: { dryRun?: boolean }) => {
      const report = await withDeps(io, (deps) => purgeExpired(deps, { dryRun: opts.dryRun ?? false }));
      if (opts.dryRun) {
        println(io.stdout, `${report.cases} case(s) are older than the retention period and would be purged.`);
        return;
      }
      println(
        io.stdout,
        `Purged ${report.cases} case(s): ${report.attachments} work material(s), ${report.letters} letter(s); ` +
          `deleted ${report.files} stored file(s); forgot ${report.sessions} ended session(s).`,
      );
    });
}
