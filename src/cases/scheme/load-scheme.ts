import fsp from 'node:fs/promises';
import path from 'node:path';
import { formatPath } from '../../errors';
import { schemeFileSchema, type SchemeFile } from './scheme-file';
import type { Scheme } from './scheme';

/** The scheme file is unusable; `problems` names every bad entry. */
export class SchemeError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`The referral scheme ${file} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SchemeError';
  }
}

export const SCHEME_FILE = 'scheme.json';

/** Reads and checks `<dir>/scheme.json`; throws `SchemeError` naming every problem. */
export async function loadScheme(dir: string): Promise<Scheme> {
  const file = path.join(dir, SCHEME_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist (check SCHEME_DIR)' : String(err);
    throw new SchemeError(file, [reason]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SchemeError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseScheme(json, file, dir);
}

/** Checks a scheme already read as JSON. */
export function parseScheme(json: unknown, file: string, dir: string): Scheme {
  const parsed = schemeFileSchema.safeParse(json, {
    error: (iss) => (iss.code === 'invalid_type' && iss.input === undefined ? 'is required' : undefined),
  });
  if (!parsed.success) {
    throw new SchemeError(file, parsed.error.issues.map((i) => `${describePath(json, i.path)}: ${i.message}`));
  }
  const s = parsed.data;
  const problems = crossCheck(s);
  if (problems.length) throw new SchemeError(file, problems);
  return {
    profile: s.profile,
    version: s.version,
    municipality: s.municipality,
    title: s.title,
    source: s.source,
    dir,
    recipients: new Map(s.recipients.map((r) => [r.key, r])),
    grounds: new Map(s.grounds.map((g) => [g.key, g])),
    rules: s.rules,
    preconditions: s.preconditions.map((p) => ({ ...p, recipients: p.recipients })),
  };
}

/** What the format alone cannot see: duplicates, and names that point nowhere. */
function crossCheck(s: SchemeFile): string[] {
  const problems: string[] = [];
  const entry = (list: string, i: number, name: string) => `${list}[${i}] "${name}"`;
  const duplicates = (list: string, names: string[]) =>
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) problems.push(`${entry(list, i, n)}: the same ${list === 'rules' ? 'id' : list === 'preconditions' ? 'code' : 'key'} is used by ${list}[${names.indexOf(n)}]`);
    });
  duplicates('recipients', s.recipients.map((r) => r.key));
  duplicates('grounds', s.grounds.map((g) => g.key));
  duplicates('rules', s.rules.map((r) => r.id));
  duplicates('preconditions', s.preconditions.map((p) => p.code));

  const recipients = new Set(s.recipients.map((r) => r.key));
  const grounds = new Set(s.grounds.map((g) => g.key));
  const unknownRecipients = (where: string, keys: readonly string[]) =>
    keys.forEach((k, j) => {
      if (!recipients.has(k)) problems.push(`${where}.recipients[${j}]: "${k}" is not a key in recipients`);
    });
  s.rules.forEach((r, i) => {
    if (!grounds.has(r.ground)) problems.push(`${entry('rules', i, r.id)}.ground: "${r.ground}" is not a key in grounds`);
    unknownRecipients(entry('rules', i, r.id), r.recipients);
  });
  s.preconditions.forEach((p, i) => unknownRecipients(entry('preconditions', i, p.code), p.recipients ?? []));

  const routed = new Set(s.rules.map((r) => r.ground));
  s.grounds.forEach((g, i) => {
    if (!routed.has(g.key)) problems.push(`${entry('grounds', i, g.key)}: no rule routes this ground, so no case could use it`);
  });
  return problems;
}

/** `recipients[1].emails[0]` becomes `recipients[1] "state_police".emails[0]`: the entry is named, not only counted. */
function describePath(json: unknown, issuePath: ReadonlyArray<PropertyKey>): string {
  const [list, index, ...rest] = issuePath;
  if (typeof list !== 'string' || typeof index !== 'number') return formatPath(issuePath);
  const item = (json as Record<string, unknown[]>)[list]?.[index] as Record<string, unknown> | undefined;
  const name = item?.key ?? item?.id ?? item?.code;
  const head = typeof name === 'string' ? `${list}[${index}] "${name}"` : `${list}[${index}]`;
  return rest.length ? `${head}${formatPath(rest).replace(/^(?!\[)/, '.')}` : head;
}
