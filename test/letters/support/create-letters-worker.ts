/**
 * Run by letters-store.test.ts as a separate process: creates one letter for each given case,
 * all at once, against the given PostgreSQL database, and prints their registration numbers.
 * argv: databaseUrl dataDir institutionId casesJson
 */
import { cliPrincipal } from '../../../src/access';
import { loadConfig } from '../../../src/config';
import { createDeps } from '../../../src/deps';
import { createLetters, type CaseForLetters } from '../../../src/letters';

async function main(): Promise<void> {
  const [databaseUrl, dataDir, institutionId, casesJson] = process.argv.slice(2) as [string, string, string, string];
  const deps = await createDeps(loadConfig({ SUTNE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { migrate: false });
  try {
    const cases = JSON.parse(casesJson) as CaseForLetters[];
    const principal = cliPrincipal(institutionId, 'clerk');
    const created = await Promise.all(cases.map((c) => createLetters(deps, principal, c, { recipients: ['social_service'] })));
    process.stdout.write(JSON.stringify(created.flat().map((l) => l.registrationNumber)));
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exitCode = 1;
});
