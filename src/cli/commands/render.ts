import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../errors';
import { renderDraft } from '../../letters';
import { println, withDeps, type CliIo } from '../context';

export function renderCommand(program: Command, io: CliIo): void {
  program
    .command('render <case.json>')
    .description('render an unsigned draft letter offline (nothing is stored or registered)')
    .requiredOption('--institution <id>', 'the sending institution')
    .requiredOption('--recipient <key>', 'a recipient the case is routed to, or "parents"')
    .requiredOption('--out <file.pdf>', 'where to write the PDF')
    .option('--attach <file>', 'a work material to list under "Pielikumā:" (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .action(async (caseFile: string, opts: { institution: string; recipient: string; out: string; attach: string[] }) => {
      const raw = await readJson(path.resolve(io.cwd, caseFile));
      const attachments = await Promise.all(
        opts.attach.map(async (f) => {
          const bytes = await fs.readFile(path.resolve(io.cwd, f));
          return { filename: path.basename(f), size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
        }),
      );
      const letter = await withDeps(io, (deps) =>
        renderDraft(deps, { case: raw, institutionId: opts.institution, recipientKey: opts.recipient, attachments }),
      );
      const out = path.resolve(io.cwd, opts.out);
      await fs.writeFile(out, letter.pdf);
      io.stderr.write(`Draft (unregistered) to "${opts.recipient}", template ${letter.template.id}, ${letter.pages.length} page(s), ${letter.size} bytes.\n`);
      println(io.stdout, out);
    });
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', `Cannot read ${file} as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
