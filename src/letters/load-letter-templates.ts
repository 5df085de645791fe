import path from 'node:path';
import type { Scheme } from '../cases';
import { LetterTemplates, TemplateLoadError } from './template/letter-templates';

/**
 * The profile's letter templates (`<profile>/letters/`), checked against its scheme at start:
 * every recipient's template must exist, so a profile cannot route a case to a letter it cannot write.
 */
export function loadLetterTemplates(scheme: Scheme): LetterTemplates {
  const templates = LetterTemplates.load(path.join(scheme.dir, 'letters'));
  const missing = [...scheme.recipients.values()].filter((r) => !templates.has(r.template));
  if (missing.length) {
    throw new TemplateLoadError(
      `The letter templates in ${templates.dir} do not cover the scheme: ${missing.map((r) => `recipient "${r.key}" names template "${r.template}" (${r.template}.hbs is missing)`).join('; ')}.`,
    );
  }
  return templates;
}
