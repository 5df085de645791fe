import path from 'node:path';
import { loadScheme, type Case, type Scheme } from '../../src/cases';
import type { Clock } from '../../src/clock';

export const repoRoot = path.resolve(__dirname, '../..');
export const aizkraukleDir = path.join(repoRoot, 'templates/aizkraukle');
export const ozolkalniDir = path.join(repoRoot, 'test/fixtures/profiles/ozolkalni');

/** A clock stopped at a known moment: 2026-11-25 12:00 in Riga. */
export const fixedClock: Clock = { now: () => new Date('2026-11-25T10:00:00.000Z') };

export const loadAizkraukle = (): Promise<Scheme> => loadScheme(aizkraukleDir);

/** An example case from test/fixtures/cases, as JSON. */
export function exampleCase(name: 'minimal' | 'police' | 'social-problems'): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return structuredClone(require(`../fixtures/cases/case-${name}.json`)) as Record<string, unknown>;
}

/** The least a case needs, plus what a test sets. */
export function caseWith(overrides: Partial<Case> = {}): Case {
  return {
    child: { fullName: 'Marta Ozola', birthDate: '2016-05-01' },
    parents: [],
    grounds: ['social_problems_in_family'],
    situation: 'Novērots.',
    actionsTaken: [],
    signatory: { fullName: 'Pēteris Kalniņš', position: 'direktors' },
    ...overrides,
  } as Case;
}
