import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../../clock';
import { isAppError } from '../../errors';
import { createLogger } from '../../logger';
import { createSigningService, type SigningService } from '../../signing';
import { CommandExit, configOf, println, type CliIo } from '../context';

/** A signing service from the environment alone: signing and verifying need no database. */
export function signingFromEnv(io: CliIo): SigningService {
  const config = configOf(io);
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination: io.stderr as never });
  return createSigningService({ config, clock: systemClock, logger });
}

/** Reads the input PDF, or ends with exit 2 (unusable input) saying why. */
export async function readInputPdf(io: CliIo, file: string): Promise<Buffer> {
  try {
    return await fs.readFile(path.resolve(io.cwd, file));
  } catch (err) {
    io.stderr.write(`Error: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    throw new CommandExit(2);
  }
}

export function signCommand(program: Command, io: CliIo): void {
  program
    .command('sign <in>')
    .description('sign any PDF as PAdES-B-T with the configured key and time-stamp authority')
    .requiredOption('--out <file>', 'where to write the signed PDF')
    .option('--reason <text>', 'the reason written into the signature')
    .option('--location <text>', 'the place written into the signature')
    .option('--ltv', 'PAdES B-LT: add certificates and revocation data after the signature')
    .action(async (input: string, opts: { out: string; reason?: string; location?: string; ltv?: boolean }) => {
      const pdf = await readInputPdf(io, input);
      const signing = signingFromEnv(io);
      try {
        const signed = await signing.signPdf(pdf, { ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.location ? { location: opts.location } : {}), ltv: opts.ltv ?? false });
        const out = path.resolve(io.cwd, opts.out);
        const tmp = `${out}.${process.pid}.tmp`;
        await fs.writeFile(tmp, signed.pdf);
        await fs.rename(tmp, out);
        println(io.stdout, `Signed by "${signed.signer}", time-stamped ${signed.timestamp.genTime.toISOString()} by "${signed.timestamp.tsa}": ${opts.out}`);
      } catch (err) {
        throw unusableInput(io, err);
      } finally {
        await signing.close();
      }
    });
}

/** Bytes that are not a readable PDF are unusable input: exit 2, with the reason. */
export function unusableInput(io: CliIo, err: unknown): unknown {
  if (!isAppError(err, 'UNPROCESSABLE')) return err;
  io.stderr.write(`Error: ${err.message}\n`);
  return new CommandExit(2);
}
