import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';

/** Runs `sutne <args>` in-process with the given environment; answers its exit code and output. */
export async function runCli(args: string[], env: Record<string, string>, cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(['node', 'sutne', ...args], { env, stdout, stderr, cwd });
  return { code, stdout: out, stderr: err };
}
