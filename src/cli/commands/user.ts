import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { createUser, roles, type Role } from '../../access';
import { AppError } from '../../errors';
import { println, withDeps, type CliIo } from '../context';

export function userCommands(program: Command, io: CliIo): void {
  const user = program.command('user').description('people who use the web pages');
  user
    .command('add')
    .description('create a web user; the password comes from SUTNE_PASSWORD or a prompt; prints the user id')
    .requiredOption('--institution <id>')
    .addOption(new Option('--role <role>').choices(roles).makeOptionMandatory())
    .requiredOption('--email <email>')
    .option('--name <name>', 'the name shown in the pages')
    .action(async (opts: { institution: string; role: Role; email: string; name?: string }) => {
      const password = io.env.SUTNE_PASSWORD ?? (await promptPassword(io));
      const { id } = await withDeps(io, (deps) =>
        createUser(deps, { institutionId: opts.institution, role: opts.role, email: opts.email, password, displayName: opts.name }, 'cli'),
      );
      println(io.stdout, id);
    });
}

async function promptPassword(io: CliIo): Promise<string> {
  if (!io.stdin.isTTY) {
    throw new AppError('VALIDATION_FAILED', 'Set SUTNE_PASSWORD, or run this on a terminal to be asked for the password.');
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream, terminal: true });
  // Keep the typed password off the screen.
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
  let muted = false;
  out._writeToOutput = (s: string) => {
    if (!muted) out.output.write(s);
  };
  try {
    const ask = async (q: string) => {
      muted = false;
      const pending = rl.question(q);
      muted = true;
      const answer = await pending;
      io.stderr.write('\n');
      return answer;
    };
    const first = await ask('Password: ');
    const second = await ask('Again: ');
    if (first !== second) throw new AppError('VALIDATION_FAILED', 'The two passwords differ.');
    return first;
  } finally {
    rl.close();
  }
}
