import fs from 'node:fs';
import path from 'node:path';
import { loadScheme, parseCase, prepareCase, type Case, type Scheme } from '../../../src/cases';
import type { Clock } from '../../../src/clock';
import type { InstitutionInput } from '../../../src/institutions';
import { buildLetterModel, type LetterModel, type ModelAttachment } from '../../../src/letters';

export const repoRoot = path.resolve(__dirname, '../../..');
export const aizkraukleDir = path.join(repoRoot, 'templates/aizkraukle');
export const lettersDir = path.join(aizkraukleDir, 'letters');

/** 2026-11-25 12:00 in Riga: after every date in the fixtures. */
export const fixedClock: Clock = { now: () => new Date('2026-11-25T10:00:00.000Z') };

type SenderKey = 'school' | 'social_service' | 'education_board';
type Institution = Omit<InstitutionInput, 'settings'>;

export const institutions = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/institutions.json'), 'utf8')) as Record<SenderKey, Institution>;

/** A case JSON from the shared examples (copied under test/fixtures/cases) or from test/letters/fixtures. */
export function caseJson(name: string): Record<string, unknown> {
  const shared = path.join(repoRoot, 'test/fixtures/cases', `${name}.json`);
  const own = path.join(__dirname, '../fixtures', `${name}.json`);
  return JSON.parse(fs.readFileSync(fs.existsSync(shared) ? shared : own, 'utf8')) as Record<string, unknown>;
}

/** Work materials as a letter lists them (fixed, so renderings are stable). */
export const materials: Array<ModelAttachment & { id: string }> = [
  { id: 'a1', filename: 'sarunu-protokoli-2026-10.pdf', size: 48213, sha256: '3b1f0c2d5e7a9b8c6d4e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c' },
  { id: 'a2', filename: 'individualais-atbalsta-plans.docx', size: 20561, sha256: 'e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8' },
];

let scheme: Scheme | undefined;
export async function aizkraukle(): Promise<Scheme> {
  return (scheme ??= await loadScheme(aizkraukleDir));
}

export interface LetterSpec {
  /** The sample's file name (without extension). */
  name: string;
  case: string;
  sender: SenderKey;
  recipient: string;
}

/** One letter of every template, from the example cases: what `samples/` shows and the tests render. */
export const letterSpecs: LetterSpec[] = [
  { name: 'social-service', case: 'case-social-problems', sender: 'school', recipient: 'social_service' },
  { name: 'state-police', case: 'case-police', sender: 'school', recipient: 'state_police' },
  { name: 'municipal-police', case: 'case-police', sender: 'school', recipient: 'municipal_police' },
  { name: 'state-police-minimal-case', case: 'case-minimal', sender: 'school', recipient: 'state_police' },
  { name: 'education-board', case: 'case-absence', sender: 'school', recipient: 'education_board' },
  { name: 'cooperation-group-from-social-service', case: 'case-family-not-cooperating', sender: 'social_service', recipient: 'cooperation_group' },
  { name: 'orphans-court', case: 'case-family-not-cooperating', sender: 'social_service', recipient: 'orphans_court' },
  { name: 'cooperation-group-from-education-board', case: 'case-board-absence', sender: 'education_board', recipient: 'cooperation_group' },
  { name: 'parents-notice', case: 'case-absence', sender: 'school', recipient: 'parents' },
];

/** The template id and model of a letter, built as the service builds them (parse, route, model). */
export async function letterFor(
  spec: Pick<LetterSpec, 'case' | 'sender' | 'recipient'>,
  opts: { case?: Case; seq?: number } = {},
): Promise<{ templateId: string; model: LetterModel }> {
  const s = await aizkraukle();
  const institution = institutions[spec.sender];
  const data = opts.case ?? parseCase({ scheme: s, clock: fixedClock }, caseJson(spec.case));
  const { routing } = prepareCase(s, institution.kind, data);
  const model = buildLetterModel({
    case: data,
    scheme: s,
    institution,
    routed: routing.recipients,
    recipientKey: spec.recipient,
    attachments: materials,
    registrationNumber: `${institution.registerPrefix}/2026/${opts.seq ?? 117}`,
    createdAt: '2026-11-25T10:00:00.000Z',
  });
  const templateId = spec.recipient === 'parents' ? 'parents-notice' : routing.recipients.find((r) => r.key === spec.recipient)!.template;
  return { templateId, model };
}
