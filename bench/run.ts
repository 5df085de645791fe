/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process, one after another (these
 * machines are small and noisy; benchmarks must not share them), and passes on their JSON lines:
 * {"name", "value", "unit", "baseline"?, "ratio"?}.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const only = process.argv[2];
const files = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
  .sort();
let failed = 0;
for (const file of files) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, file)], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.status !== 0) {
    failed++;
    process.stderr.write(`bench ${file} failed (exit ${res.status})\n`);
  }
}
process.exitCode = failed ? 1 : 0;
