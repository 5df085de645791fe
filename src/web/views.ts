import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

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
  [key: string]: unknown;
}

/** Renders pages into the shared layout; each template is compiled once. */
export class Views {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();

  constructor(private readonly dir: string = viewsDir) {}

  render(page: string, context: PageContext): string {
    const body = this.template(page)(context);
    return this.template('layout')({ ...context, body });
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
