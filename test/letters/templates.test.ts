import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadScheme, parseCase, prepareCase } from '../../src/cases';
import { buildLetterModel, LetterTemplates, loadLetterTemplates, renderLetter, TemplateLoadError } from '../../src/letters';
import { aizkraukle, caseJson, fixedClock, institutions, letterFor, letterSpecs, lettersDir, repoRoot } from './support/letter-fixtures';
import { fold, pdfText } from './support/pdf-tools';

function copyOf(dir: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-templates-'));
  fs.cpSync(dir, tmp, { recursive: true });
  return tmp;
}

describe('letter templates', () => {
  it('cover every recipient of the Aizkraukle scheme, and the parents\' notice', async () => {
    const scheme = await aizkraukle();
    const templates = loadLetterTemplates(scheme);
    expect([...scheme.recipients.values()].map((r) => r.template).every((t) => templates.has(t))).toBe(true);
    expect(templates.ids().sort()).toEqual([
      'cooperation-group', 'education-board', 'municipal-police', 'orphans-court', 'parents-notice', 'social-service', 'state-police',
    ]);
  });

  it('version each template by its files: a partial\'s change is a new version of every template', () => {
    const dir = copyOf(lettersDir);
    try {
      const before = LetterTemplates.load(dir);
      fs.appendFileSync(path.join(dir, 'state-police.hbs'), '\n');
      const afterOne = LetterTemplates.load(dir);
      expect(afterOne.ref('state-police').version).not.toBe(before.ref('state-police').version);
      expect(afterOne.ref('social-service').version).toBe(before.ref('social-service').version);
      fs.appendFileSync(path.join(dir, 'partials', 'closing.hbs'), '\n');
      const afterPartial = LetterTemplates.load(dir);
      expect(afterPartial.ref('social-service').version).not.toBe(before.ref('social-service').version);
      expect(afterPartial.ref('social-service').version).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('record which template made a letter', async () => {
    const templates = LetterTemplates.load(lettersDir);
    const { templateId, model } = await letterFor(letterSpecs[0]!);
    const letter = await renderLetter(templates, templateId, model);
    expect(letter.template).toEqual(templates.ref('social-service'));
  });

  it('refuse to start on a profile whose scheme names a template that is not there', async () => {
    const profile = copyOf(path.dirname(lettersDir));
    try {
      fs.rmSync(path.join(profile, 'letters', 'orphans-court.hbs'));
      const scheme = await loadScheme(profile);
      expect(() => loadLetterTemplates(scheme)).toThrow(TemplateLoadError);
      expect(() => loadLetterTemplates(scheme)).toThrow('recipient "orphans_court" names template "orphans-court" (orphans-court.hbs is missing)');
    } finally {
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });

  it('refuse a template that does not compile, naming the file', () => {
    const dir = copyOf(lettersDir);
    try {
      fs.writeFileSync(path.join(dir, 'social-service.hbs'), '{{#if x}} never closed');
      expect(() => LetterTemplates.load(dir)).toThrow(/social-service\.hbs: Parse error/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fail loudly on a misspelt field instead of printing nothing', async () => {
    const dir = copyOf(lettersDir);
    try {
      fs.appendFileSync(path.join(dir, 'social-service.hbs'), '\n{{chld.fullName}}\n');
      const { model } = await letterFor(letterSpecs[0]!);
      expect(() => LetterTemplates.load(dir).render('social-service', model)).toThrow(/Template "social-service" failed: "fullName" not defined in undefined/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('come with the profile: another municipality renders its own letters without a code change', async () => {
    const scheme = await loadScheme(path.join(repoRoot, 'test/fixtures/profiles/ozolkalni'));
    const templates = loadLetterTemplates(scheme);
    const data = parseCase({ scheme, clock: fixedClock }, { ...caseJson('case-minimal'), grounds: ['violence_suspected'] });
    const { routing } = prepareCase(scheme, 'school', data);
    const police = routing.recipients.find((r) => r.key === 'state_police')!;
    const model = buildLetterModel({
      case: data, scheme, institution: institutions.school, routed: routing.recipients, recipientKey: 'state_police',
      attachments: [], registrationNumber: '1-13/2026/1', createdAt: '2026-11-25T10:00:00.000Z',
    });
    const letter = await renderLetter(templates, police.template, model);
    const text = fold(pdfText(letter.pdf));
    expect(text).toContain('Valsts policijas Ozolkalnu iecirknim');
    expect(text).toContain('Par iespējamu likumpārkāpumu');
    expect(letter.template.id).toBe('police');
  });
});
