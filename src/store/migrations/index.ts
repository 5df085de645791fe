import type { Migration } from 'kysely';
import * as foundation from './2026-11-25-001-foundation';
import * as caseRouting from './2026-11-25-030-case-routing';
import * as outbox from './2026-11-25-060-outbox';
import * as exportsTable from './2026-11-25-070-exports';
import * as retention from './2026-11-25-080-retention';
import * as letterSigning from './2026-11-25-110-letter-signing';

/**
 * Every migration, by name; names sort in the order they run. Add a file named
 * `YYYY-MM-DD-NNN-what.ts` and list it here: an explicit list works the same from `src/` and `dist/`.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-25-001-foundation': foundation,
  '2026-11-25-030-case-routing': caseRouting,
  '2026-11-25-060-outbox': outbox,
  '2026-11-25-070-exports': exportsTable,
  '2026-11-25-080-retention': retention,
  '2026-11-25-110-letter-signing': letterSigning,
};
