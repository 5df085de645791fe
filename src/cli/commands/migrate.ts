import type { Command } from 'commander';
import { migrateToLatest, openDatabase } from '../../store';
import { configOf, println, type CliIo } from '../context';

export function migrateCommand(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const config = configOf(io);
      const handle = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const { applied } = await migrateToLatest(handle.db);
        println(io.stdout, applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      } finally {
        await handle.close();
      }
    });
}
