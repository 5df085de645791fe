import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { LetterBlock } from '../layout/blocks';
import type { LetterModel } from '../letter-model';
import { DataTable, wrapData } from './data-text';
import { letterHelpers } from './helpers';
import { parseMarkup } from './parse-markup';

/** Which template made a letter: its id and a hash of every file it was made from. */
export interface TemplateRef {
  id: string;
  version: string;
}

/** A profile's letter templates could not be read or compiled; the message names the file. */
export class TemplateLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateLoadError';
  }
}

interface Compiled {
  render: HandlebarsTemplateDelegate;
  version: string;
}

const TEMPLATE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The letter templates of one municipality profile: `<profile>/letters/<id>.hbs`, with shared
 * pieces in `<profile>/letters/partials/<name>.hbs`. Each template renders to letter markup
 * (see `parseMarkup`) with the case data only ever present as tokens. A template's version is
 * the SHA-256 of its own file and every partial, so a change to any of them is a new version.
 */
export class LetterTemplates {
  private constructor(
    readonly dir: string,
    private readonly templates: Map<string, Compiled>,
  ) {}

  /** Reads and compiles every template of `dir` at once, so a broken profile stops the start, not a letter. */
  static load(dir: string): LetterTemplates {
    let entries: string[];
    try {
      entries = fs.readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort();
    } catch (err) {
      throw new TemplateLoadError(`Cannot read the letter templates in ${dir}: ${(err as Error).message}`, { cause: err });
    }
    const env = Handlebars.create();
    env.registerHelper(letterHelpers);
    const partialsDir = path.join(dir, 'partials');
    const partialFiles = fs.existsSync(partialsDir) ? fs.readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')).sort() : [];
    const shared = createHash('sha256');
    for (const file of partialFiles) {
      const source = read(path.join(partialsDir, file));
      env.registerPartial(path.basename(file, '.hbs'), source);
      shared.update(`partials/${file}\0${source}\0`);
    }
    const sharedDigest = shared.digest('hex');
    const templates = new Map<string, Compiled>();
    for (const file of entries) {
      const id = path.basename(file, '.hbs');
      if (!TEMPLATE_ID.test(id)) throw new TemplateLoadError(`${path.join(dir, file)}: a template id is lower-case letters, digits and dashes.`);
      const source = read(path.join(dir, file));
      const version = createHash('sha256').update(`${file}\0${source}\0${sharedDigest}`).digest('hex');
      templates.set(id, { render: env.compile(source, { strict: true, preventIndent: true }), version });
    }
    if (!templates.size) throw new TemplateLoadError(`There are no letter templates (*.hbs) in ${dir}.`);
    return new LetterTemplates(dir, templates);
  }

  ids(): string[] {
    return [...this.templates.keys()];
  }

  has(id: string): boolean {
    return this.templates.has(id);
  }

  ref(id: string): TemplateRef {
    return { id, version: this.get(id).version };
  }

  /** The letter as blocks, and which template made it. */
  render(id: string, model: LetterModel): { blocks: LetterBlock[]; template: TemplateRef } {
    const t = this.get(id);
    const table = new DataTable();
    const context = wrapData(model, table);
    let output: string;
    try {
      output = t.render(context, { data: { table } });
    } catch (err) {
      throw new TemplateLoadError(`Template "${id}" failed: ${(err as Error).message}`, { cause: err });
    }
    return { blocks: parseMarkup(output, table), template: { id, version: t.version } };
  }

  private get(id: string): Compiled {
    const t = this.templates.get(id);
    if (!t) throw new TemplateLoadError(`There is no letter template "${id}" in ${this.dir}.`);
    return t;
  }
}

function read(file: string): string {
  const source = fs.readFileSync(file, 'utf8');
  try {
    // Compile errors surface here, at load, instead of at the first letter.
    Handlebars.parse(source);
  } catch (err) {
    throw new TemplateLoadError(`${file}: ${(err as Error).message}`, { cause: err });
  }
  return source;
}
