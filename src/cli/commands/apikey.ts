import { Option, type Command } from 'commander';
import { createApiKey, revokeKey, roles, type Role } from '../../access';
import { listApiKeys } from '../../store';
import { println, withDeps, type CliIo } from '../context';

export function apikeyCommands(program: Command, io: CliIo): void {
  const apikey = program.command('apikey').description('API keys for other systems');
  apikey
    .command('add')
    .description('create an API key; the key alone is the last line of output, shown this once')
    .requiredOption('--institution <id>', 'the institution the key acts for')
    .addOption(new Option('--role <role>', 'what the key may do').choices(roles).makeOptionMandatory())
    .option('--name <name>', 'a label to tell keys apart')
    .action(async (opts: { institution: string; role: Role; name?: string }) => {
      const { id, key } = await withDeps(io, (deps) =>
        createApiKey(deps, { institutionId: opts.institution, role: opts.role, name: opts.name }, 'cli'),
      );
      io.stderr.write(`API key ${id} (${opts.role}) for ${opts.institution}. It is shown only now; store it safely.\n`);
      println(io.stdout, key);
    });
  apikey
    .command('list')
    .description("list an institution's keys (never the keys themselves)")
    .requiredOption('--institution <id>')
    .action(async (opts: { institution: string }) => {
      const keys = await withDeps(io, (deps) => listApiKeys(deps.db, opts.institution));
      for (const k of keys) {
        println(io.stdout, [k.id, k.role, k.keyPrefix + '…', k.name ?? '', `created ${k.createdAt}`, `last used ${k.lastUsedAt ?? 'never'}`, k.revokedAt ? `revoked ${k.revokedAt}` : 'active'].join('\t'));
      }
    });
  apikey
    .command('revoke <id>')
    .description('revoke a key at once')
    .requiredOption('--institution <id>')
    .action(async (id: string, opts: { institution: string }) => {
      await withDeps(io, (deps) => revokeKey(deps, opts.institution, id, 'cli'));
      println(io.stdout, `Revoked ${id}.`);
    });
}
