import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** Runs `sutne serve` as a real process (TypeScript through tsx), as `npm start` would. */
function serve(env: Record<string, string>, cwd: string): { child: ChildProcess; output: () => string; listening: Promise<string> } {
  const child = spawn(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), '-e', `require(${JSON.stringify(path.join(root, 'src/cli/main.ts'))}).main(process.argv.slice(0, 1).concat(['sutne', 'serve']), { env: process.env }).then((c) => process.exit(c))`],
    { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:\/\/[^"]+)".*Sūtne is listening/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  listening.catch(() => undefined); // a test that expects the process to fail never awaits it
  return { child, output: () => out, listening };
}

describe('sutne serve', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-serve-'));
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('starts with no configuration, keeps what it writes under DATA_DIR, and stops cleanly on SIGTERM', async () => {
    const { child, output, listening } = serve({ PORT: '0' }, cwd);
    const url = await listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('"msg":"stopped"');
    expect(fs.readdirSync(cwd)).toEqual(['data']);
    expect(fs.readdirSync(path.join(cwd, 'data'))).toContain('sutne.db');
    // Request logs carry ids and routes, not URLs with queries or bodies.
    expect(output()).toContain('"route":"/healthz"');
  });

  it('refuses to start on a bad configuration, naming each bad variable', async () => {
    const { child, output } = serve({ PORT: 'x', DATABASE_URL: 'mysql://nope' }, cwd);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(output()).toContain('PORT');
    expect(output()).toContain('DATABASE_URL');
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});
