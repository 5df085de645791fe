import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../errors';
import { addInstitution } from '../../institutions';
import { println, withDeps, type CliIo } from '../context';

export function institutionCommands(program: Command, io: CliIo): void {
  const institution = program.command('institution').description('sending institutions');
  institution
    .command('add <file>')
    .description('register a sending institution from its JSON file; prints its id')
    .action(async (file: string) => {
      let raw: unknown;
      try {
        raw = JSON.parse(await fs.readFile(path.resolve(io.cwd, file), 'utf8'));
      } catch (err) {
        throw new AppError('VALIDATION_FAILED', `Cannot read ${file} as JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
      const id = await withDeps(io, (deps) => addInstitution(deps, raw, 'cli'));
      println(io.stdout, id);
    });
}
