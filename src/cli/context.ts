import { loadConfig, type Config } from '../config';
import { createDeps, type Deps } from '../deps';
import { createLogger } from '../logger';

/** What every command gets: the environment it was started with, and where to write. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  cwd: string;
}

export function configOf(io: CliIo): Config {
  return loadConfig(io.env, io.cwd);
}

/** Runs a command with wired dependencies (migrated), and always closes them. Logs go to stderr, quietly. */
export async function withDeps<T>(io: CliIo, fn: (deps: Deps) => Promise<T>): Promise<T> {
  const config = configOf(io);
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination: io.stderr as never });
  const deps = await createDeps(config, { logger });
  try {
    return await fn(deps);
  } finally {
    await deps.close();
  }
}

export function println(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

/** Ends a command with this exit code after it has said why (a check that found a fault). */
export class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CommandExit';
  }
}
