import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { cliPrincipal } from '../../access';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { letterFilterSchema, prepareExport, type ExportProgress } from '../../export';
import { listInstitutions } from '../../store';
import { parseInput } from '../../validate';
import { println, withDeps, type CliIo } from '../context';
import { exportVerifyCommand } from './export-verify';

interface ExportOptions {
  out?: string;
  from?: string;
  to?: string;
  institution?: string;
  recipient?: string;
  status?: string;
}

/** `sutne export --out F.zip` and `sutne export verify F.zip`. */
export function exportCommands(program: Command, io: CliIo): void {
  const cmd = program
    .command('export')
    .description('bulk export of sent correspondence to a ZIP an auditor verifies offline; `export verify <zip>` checks one')
    .option('--out <file.zip>', 'where to write the archive (required)')
    .option('--from <date>', 'letters registered on or after this day (YYYY-MM-DD, Latvian time) or instant')
    .option('--to <date>', 'letters registered on or before this day (inclusive) or instant')
    .option('--institution <id>', 'whose letters (needed when there is more than one institution)')
    .option('--recipient <key>', 'only letters to this recipient (e.g. social_service)')
    .option('--status <list>', 'statuses, separated by commas (default: sent)')
    .action(async (opts: ExportOptions) => {
      // Not a required option: commander would then demand it of `export verify` too.
      if (!opts.out) throw new AppError('VALIDATION_FAILED', 'Name the archive to write with --out <file.zip>.');
      const filters = parseInput(letterFilterSchema, stripUnset({ from: opts.from, to: opts.to, recipient: opts.recipient, status: opts.status }), 'The options');
      const out = path.resolve(io.cwd, opts.out);
      await withDeps(io, async (deps) => {
        const institutionId = opts.institution ?? (await onlyInstitution(deps));
        const prepared = await prepareExport(deps, { institutionId, filters, by: cliPrincipal(institutionId, 'auditor') });
        const partial = `${out}.partial-${process.pid}`;
        const bar = io.stderr.isTTY ? progressBar(io, prepared.lettersTotal) : undefined;
        try {
          const result = await prepared.writeTo(fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 }), bar);
          await fsp.rename(partial, out);
          bar?.({ ...result, done: true });
          io.stderr.write(`Exported ${result.lettersDone} letters (${result.files} files, ${mb(result.bytesWritten)}) of ${institutionId} to ${out}.\n`);
          io.stderr.write(`Export ${prepared.id}; check it with: sutne export verify ${opts.out}\n`);
          println(io.stdout, `${result.sha256}  ${opts.out}`);
        } catch (err) {
          bar?.({ lettersDone: 0, lettersTotal: 0, bytesWritten: 0, done: true });
          await fsp.rm(partial, { force: true });
          throw err;
        }
      });
    });
  exportVerifyCommand(cmd, io);
}

async function onlyInstitution(deps: Deps): Promise<string> {
  const all = await listInstitutions(deps.db);
  if (all.length === 1) return all[0]!.id;
  if (!all.length) throw new AppError('INSTITUTION_NOT_FOUND', 'There is no institution yet: add one with `sutne institution add`.');
  throw new AppError('VALIDATION_FAILED', `There are ${all.length} institutions; name one with --institution (${all.map((i) => i.id).join(', ')}).`);
}

/** A progress bar on the terminal (stderr, so stdout stays the archive's hash). */
function progressBar(io: CliIo, total: number): (p: ExportProgress & { done?: boolean }) => void {
  const bar = new SingleBar({
    stream: io.stderr as NodeJS.WritableStream,
    format: 'Exporting |{bar}| {value}/{total} letters | {mb}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: false,
    fps: 5,
  });
  bar.start(total, 0, { mb: mb(0) });
  let stopped = false;
  return (p) => {
    if (stopped) return;
    bar.update(p.lettersDone, { mb: mb(p.bytesWritten) });
    if (p.done) {
      stopped = true;
      bar.stop();
    }
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function stripUnset<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

