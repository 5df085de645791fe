import { actionStages, informMethods, type Scheme } from '../cases';
import type { ErrorDetail } from '../errors';
import type { FormFields } from './form-reader';
import type { Messages } from './messages';

/*
 * The new-case form. Every input is named by the path of its field in the case
 * (`child.fullName`, `actionsTaken[0].date`), so the case schema's issues, which name fields by
 * the same paths, are shown beside the inputs they concern.
 */

type Raw = Record<string, unknown>;

/** Form names that are not case fields. */
const CONTROL = new Set(['_csrf', 'op', 'parentRows', 'actionRows', 'files']);

/**
 * The case a posted form describes: empty inputs are left out (optional fields and blank rows
 * vanish), repeated rows are closed up, and only names of the case's shape are read; the schema
 * judges the rest.
 */
export function caseFromForm(fields: FormFields): Raw {
  // The form always shows the grounds: none ticked is "give at least one", not a missing field.
  const out: Raw = { grounds: [] };
  for (const [name, values] of fields) {
    if (CONTROL.has(name)) continue;
    if (name === 'grounds') {
      out.grounds = values.map((v) => v.trim()).filter(Boolean);
      continue;
    }
    const value = values[0]?.trim();
    if (!value) continue;
    const path = parsePath(name);
    if (path) setAt(out, path, values[0]!);
  }
  for (const list of ['parents', 'actionsTaken']) {
    if (Array.isArray(out[list])) out[list] = (out[list] as unknown[]).filter((row) => row !== undefined);
  }
  return out;
}

/** `actionsTaken[2].date` → ['actionsTaken', 2, 'date']; undefined for anything else. */
function parsePath(name: string): Array<string | number> | undefined {
  const m = /^(child|parentsInformed|contactPerson|signatory)\.(\w+)$/.exec(name);
  if (m) return [m[1]!, m[2]!];
  const r = /^(parents|actionsTaken)\[(\d{1,3})\]\.(\w+)$/.exec(name);
  if (r) return [r[1]!, Number(r[2]), r[3]!];
  if (name === 'situation' || name === 'externalReference') return [name];
  return undefined;
}

function setAt(target: Raw, path: Array<string | number>, value: string): void {
  let node: Raw | unknown[] = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const nextIsIndex = typeof path[i + 1] === 'number';
    const container = node as Record<string | number, unknown>;
    container[key] ??= nextIsIndex ? [] : {};
    node = container[key] as Raw | unknown[];
  }
  (node as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

/** One input as the page draws it. */
export interface FieldView {
  name: string;
  id: string;
  label: string;
  kind: 'text' | 'date' | 'email' | 'tel' | 'textarea' | 'select';
  value: string;
  required: boolean;
  error?: string | undefined;
  errorId: string;
  options?: Array<{ value: string; label: string; selected: boolean }>;
  autocomplete?: string;
}

export interface CaseFormView {
  externalReference: FieldView;
  child: FieldView[];
  parents: FieldView[][];
  grounds: { name: string; error?: string | undefined; errorId: string; options: Array<{ id: string; value: string; label: string; checked: boolean }> };
  situation: FieldView;
  actions: FieldView[][];
  parentsInformed: FieldView[];
  contactPerson: FieldView[];
  signatory: FieldView[];
  files: { error?: string | undefined; errorId: string };
  parentRows: number;
  actionRows: number;
  /** Every problem, for the summary at the top, each linking to its input. */
  problems: Array<{ href: string; label: string; message: string }>;
}

type Spec = { key: string; label: keyof Messages['field']; kind?: FieldView['kind']; required?: boolean; options?: 'stage' | 'inform'; autocomplete?: string };

const childSpec: Spec[] = [
  { key: 'fullName', label: 'fullName', required: true },
  { key: 'personalCode', label: 'personalCode' },
  { key: 'birthDate', label: 'birthDate', kind: 'date' },
  { key: 'group', label: 'group' },
  { key: 'address', label: 'address' },
];
const parentSpec: Spec[] = [
  { key: 'fullName', label: 'fullName', required: true },
  { key: 'relation', label: 'relation', required: true },
  { key: 'address', label: 'address' },
  { key: 'phone', label: 'phone', kind: 'tel' },
  { key: 'email', label: 'email', kind: 'email' },
];
const actionSpec: Spec[] = [
  { key: 'date', label: 'date', kind: 'date', required: true },
  { key: 'stage', label: 'stage', kind: 'select', required: true, options: 'stage' },
  { key: 'by', label: 'by', required: true },
  { key: 'description', label: 'description', kind: 'textarea', required: true },
];
const informedSpec: Spec[] = [
  { key: 'date', label: 'date', kind: 'date' },
  { key: 'method', label: 'method', kind: 'select', options: 'inform' },
  { key: 'reference', label: 'reference' },
];
const contactSpec: Spec[] = [
  { key: 'fullName', label: 'fullName' },
  { key: 'position', label: 'position' },
  { key: 'phone', label: 'phone', kind: 'tel' },
  { key: 'email', label: 'email', kind: 'email' },
];
const signatorySpec: Spec[] = [
  { key: 'fullName', label: 'fullName', required: true },
  { key: 'position', label: 'position', required: true },
];

export function inputId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
}

/**
 * The form for a case as entered (possibly invalid), with each validation problem beside the
 * input its path names; a problem inside a field (`grounds[1]`) goes to that field, and one
 * naming no input is listed at the top only.
 */
export function caseFormView(
  raw: Raw,
  problems: readonly ErrorDetail[],
  m: Messages,
  scheme: Scheme,
  rows: { parents?: number; actions?: number } = {},
): CaseFormView {
  const errors = new Map<string, string>();
  const summary: CaseFormView['problems'] = [];
  const names: string[] = [];
  const labels = new Map<string, string>();

  const field = (name: string, spec: Spec, value: unknown, group: string): FieldView => {
    names.push(name);
    labels.set(name, `${group}: ${m.field[spec.label]}`);
    const options = spec.options === 'stage'
      ? actionStages.map((s) => ({ value: s, label: m.stage[s], selected: value === s }))
      : spec.options === 'inform'
        ? informMethods.map((s) => ({ value: s, label: m.inform[s], selected: value === s }))
        : undefined;
    return {
      name, id: inputId(name), label: m.field[spec.label], kind: spec.kind ?? 'text',
      value: typeof value === 'string' ? value : '', required: !!spec.required, errorId: `${inputId(name)}-error`,
      ...(options ? { options } : {}), ...(spec.autocomplete ? { autocomplete: spec.autocomplete } : {}),
    };
  };
  const group = (prefix: string, specs: Spec[], data: unknown, title: string) =>
    specs.map((s) => field(`${prefix}.${s.key}`, s, (data as Raw | undefined)?.[s.key], title));

  const list = (key: 'parents' | 'actionsTaken') => (Array.isArray(raw[key]) ? (raw[key] as unknown[]) : []);
  const parentRows = Math.max(list('parents').length, rows.parents ?? 1, 1);
  const actionRows = Math.max(list('actionsTaken').length, rows.actions ?? 1, 1);

  const view: CaseFormView = {
    externalReference: field('externalReference', { key: 'externalReference', label: 'reference' }, raw.externalReference, m.caseForm.externalReference),
    child: group('child', childSpec, raw.child, m.caseForm.child),
    parents: Array.from({ length: parentRows }, (_, i) => group(`parents[${i}]`, parentSpec, list('parents')[i], `${m.caseForm.parent} ${i + 1}`)),
    grounds: {
      name: 'grounds', errorId: 'f-grounds-error',
      options: [...scheme.grounds.values()].map((g, i) => ({
        id: `f-grounds-${i}`, value: g.key, label: g.label, checked: Array.isArray(raw.grounds) && raw.grounds.includes(g.key),
      })),
    },
    situation: field('situation', { key: 'situation', label: 'situation', kind: 'textarea', required: true }, raw.situation, m.caseForm.situation),
    actions: Array.from({ length: actionRows }, (_, i) => group(`actionsTaken[${i}]`, actionSpec, list('actionsTaken')[i], `${m.caseForm.action} ${i + 1}`)),
    parentsInformed: group('parentsInformed', informedSpec, raw.parentsInformed, m.caseForm.parentsInformed),
    contactPerson: group('contactPerson', contactSpec, raw.contactPerson, m.caseForm.contactPerson),
    signatory: group('signatory', signatorySpec, raw.signatory, m.caseForm.signatory),
    files: { errorId: 'f-files-error' },
    parentRows,
    actionRows,
    problems: summary,
  };
  view.externalReference.label = m.caseForm.externalReference;
  labels.set('externalReference', m.caseForm.externalReference);

  for (const p of problems) {
    const target = ownerOf(p.path, names);
    if (target && !errors.has(target)) errors.set(target, p.message);
    const href = target === 'grounds' ? '#f-grounds-0' : target === 'files' ? '#f-files' : target ? `#${inputId(target)}` : '#case-form';
    summary.push({ href, label: target ? (labels.get(target) ?? labelOfList(target, m)) : p.path, message: p.message });
  }
  const all = [view.externalReference, view.situation, ...view.child, ...view.parents.flat(), ...view.actions.flat(), ...view.parentsInformed, ...view.contactPerson, ...view.signatory];
  for (const f of all) f.error = errors.get(f.name);
  view.grounds.error = errors.get('grounds');
  view.files.error = errors.get('files');
  return view;
}

/** The input a problem's path belongs to: itself, its closest enclosing input, or a list. */
function ownerOf(path: string, names: readonly string[]): string | undefined {
  if (/^file(s|\[\d+\])?$/.test(path)) return 'files';
  if (path === 'grounds' || path.startsWith('grounds[')) return 'grounds';
  if (names.includes(path)) return path;
  // `parentsInformed` missing its date when the method is given: the object's first input.
  const inside = names.find((n) => n.startsWith(`${path}.`));
  return inside;
}

function labelOfList(target: string, m: Messages): string {
  if (target === 'grounds') return m.caseForm.grounds;
  if (target === 'files') return m.caseForm.materials;
  return target;
}
