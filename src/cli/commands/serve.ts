import type { Command } from 'commander';
import { startService } from '../../main';
import { configOf, type CliIo } from '../context';

export function serveCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  program
    .command('serve')
    .description('start the HTTP service (what `npm start` runs)')
    .action(async () => {
      const service = await startService(configOf(io));
      const shutdown = (signal: string) => {
        service.deps.logger.info({ signal }, 'signal received');
        service.stop().then(
          () => done(0),
          (err: unknown) => {
            service.deps.logger.error({ err }, 'shutdown failed');
            done(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
}
