import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** A `sutne serve` child process and the JSON log lines it printed. */
export interface ServiceProcess {
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | string>;
  /** letter ids this process logged as sent. */
  sent(): string[];
}

/** Starts `sutne serve` with this environment and resolves once it is listening. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'serve-process.ts')], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffered = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'Sūtne is listening') resolve();
        } catch {
          // not a log line
        }
      }
    });
    void exited.then((how) => reject(new Error(`sutne serve exited (${how}) before listening: ${stderr.slice(0, 2000)}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  return {
    child,
    logs,
    exited,
    sent: () => logs.filter((l) => l.msg === 'letter sent').map((l) => String(l.letterId)),
  };
}
