import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Messages } from './messages';

/**
 * The page templates (Handlebars, escaped by default) and static assets sit beside this file;
 * `npm run build` copies them into `dist/web`, so the built service and the image find them too.
 */
export const viewsDir = path.join(__dirname, 'views');
export const publicDir = path.join(__dirname, 'public');

/** What every page gets besides its own data. */
export interface PageContext {
  title: string;
  /** The signed-in person, for the header and its sign-out form. */
  user?: { label: string; roleLabel: string } | undefined;
  csrfToken?: string | undefined;
  /** The chrome's words in the viewer's language (Latvian unless switched). */
  m?: Messages | undefined;
  [key: string]: unknown;
}

const rigaTime = new Intl.DateTimeFormat('lv-LV', {
  timeZone: 'Europe/Riga', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** An ISO instant as clerks read it: Latvian local time, `2026.11.25. 14:05:09`. */
export function localTime(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : rigaTime.format(d);
}

/** Renders pages into the shared layout; each template is compiled once. */
export class Views {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();

  constructor(private readonly dir: string = viewsDir) {
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hbs.registerHelper('time', (iso: unknown) => localTime(iso));
    // `{{lookup}}` with a computed key: status and stage labels from the catalogue.
    this.hbs.registerHelper('labelOf', (table: unknown, key: unknown) =>
      table && typeof table === 'object' && typeof key === 'string' ? ((table as Record<string, string>)[key] ?? key) : key,
    );
    this.hbs.registerHelper('inc', (n: unknown) => (typeof n === 'number' ? n + 1 : n));
    this.hbs.registerHelper('kb', (bytes: unknown) => (typeof bytes === 'number' ? `${Math.max(1, Math.round(bytes / 1024))} KB` : ''));
    for (const partial of fs.readdirSync(path.join(dir, 'partials'))) {
      this.hbs.registerPartial(path.basename(partial, '.hbs'), fs.readFileSync(path.join(dir, 'partials', partial), 'utf8'));
    }
  }

  render(page: string, context: PageContext): string {
    const body = this.template(page)(context);
    return this.template('layout')({ ...context, body });
  }

  /** A template without the layout: parts of a page that scripts insert (the routing preview). */
  fragment(name: string, context: Record<string, unknown>): string {
    return this.template(name)(context);
  }

  private template(name: string): Handlebars.TemplateDelegate {
    let t = this.compiled.get(name);
    if (!t) {
      if (!/^[a-z-]+$/.test(name)) throw new Error(`Bad view name ${name}`);
      t = this.hbs.compile(fs.readFileSync(path.join(this.dir, `${name}.hbs`), 'utf8'), { strict: false });
      this.compiled.set(name, t);
    }
    return t;
  }
}
