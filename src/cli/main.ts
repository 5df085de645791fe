import { Command, CommanderError } from 'commander';
import { SchemeError } from '../cases';
import { ConfigError } from '../config';
import { AppError } from '../errors';
import { apikeyCommands } from './commands/apikey';
import { auditCommands } from './commands/audit';
import { exportCommands } from './commands/export';
import { institutionCommands } from './commands/institution';
import { migrateCommand } from './commands/migrate';
import { renderCommand } from './commands/render';
import { serveCommand } from './commands/serve';
import { retentionCommands } from './commands/retention';
import { userCommands } from './commands/user';
import { CommandExit, type CliIo } from './context';
import { signCommand } from './commands/sign';
import { verifyCommand } from './commands/verify';

/**
 * Runs `sutne <command>`; answers the exit code. Long-running `serve` answers when the service
 * has stopped.
 */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const fullIo: CliIo = {
    env: io.env ?? {},
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    // Looked up only when a command reads it (the password prompt): touching process.stdin opens
    // a handle on the terminal or pipe for the rest of the process, which in-process callers
    // (tests, the serve command's host) have no use for.
    get stdin() {
      return io.stdin ?? process.stdin;
    },
    cwd: io.cwd ?? process.cwd(),
  };
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let longRunning = false;

  const program = new Command('sutne')
    .description('Sūtne: signed, time-stamped official letters for child-rights referrals')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => fullIo.stdout.write(s),
      writeErr: (s) => fullIo.stderr.write(s),
    });
  serveCommand(program, fullIo, finish);
  program.hook('preAction', (_cmd, action) => {
    if (action.name() === 'serve') longRunning = true;
  });
  migrateCommand(program, fullIo);
  institutionCommands(program, fullIo);
  apikeyCommands(program, fullIo);
  userCommands(program, fullIo);
  exportCommands(program, fullIo);
  auditCommands(program, fullIo);
  renderCommand(program, fullIo);
  signCommand(program, fullIo);
  verifyCommand(program, fullIo);
  retentionCommands(program, fullIo);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    return reportError(err, fullIo);
  }
  return longRunning ? finished : 0;
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommandExit) return err.exitCode;
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof ConfigError || err instanceof SchemeError) {
    io.stderr.write(`${err.message}\n`);
    return 2;
  }
  if (err instanceof AppError) {
    io.stderr.write(`Error: ${err.message}\n`);
    for (const d of err.details ?? []) io.stderr.write(`  - ${d.path}: ${d.message}\n`);
    return 1;
  }
  io.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}
