import { z } from 'zod';
import type { Clock } from '../clock';
import { isCalendarDate, todayInLatvia } from './calendar-date';
import { date, email, personName, phone, text } from './case-fields';
import { checkPersonalCode } from './personal-code';

/** The ladder of the scheme: who acted on the child's situation before this referral. */
export const actionStages = ['teacher', 'support_staff', 'administration', 'social_service', 'education_board'] as const;
export type ActionStage = (typeof actionStages)[number];

/** How the parents were informed; all but `in_person` are in writing. */
export const informMethods = ['letter', 'email', 'e_address', 'in_person'] as const;
export type InformMethod = (typeof informMethods)[number];

const personalCodeMessages = {
  shape: 'jābūt formā DDMMGG-CNNNN vai 32NNNN-NNNNN', // must look like …
  check_digit: 'kontrolcipars nesakrīt — pārbaudiet, vai kods ievadīts pareizi', // the check digit does not match: check for a typo
  date: 'personas kodā nav reāla dzimšanas datuma', // holds no real birth date
  century: 'personas koda 7. cipars (gadsimts) var būt 0, 1 vai 2', // the 7th digit (century) must be 0, 1 or 2
} as const;

/**
 * The case of CONTRACT, strict: unknown fields are refused, texts bounded and trimmed, dates
 * real and not in the future, a personal code checked and consistent with the birth date.
 * Grounds are those of the loaded scheme. The birth date may be left out when the personal code
 * (old form) holds it; the parsed case always has it.
 */
export function caseSchema(opts: { groundKeys: readonly string[]; clock: Clock }) {
  const pastDate = date(opts.clock, { notFuture: true });
  const [firstGround, ...otherGrounds] = opts.groundKeys;
  if (firstGround === undefined) throw new Error('A scheme without grounds cannot accept cases.');

  const child = z.strictObject({
    fullName: personName,
    personalCode: personalCode(opts.clock).optional(),
    birthDate: pastDate.optional(),
    group: text(50).optional().describe('Class or group, e.g. "6.b klase".'),
    address: text(300).optional(),
  });

  const parent = z.strictObject({
    fullName: personName,
    relation: text(50).describe('e.g. "māte", "tēvs", "aizbildnis".'),
    address: text(300).optional(),
    phone: phone.optional(),
    email: email.optional(),
  });

  const action = z.strictObject({
    date: pastDate,
    stage: z.enum(actionStages),
    by: text(200).describe('Who acted (name and position).'),
    description: text(5000, { multiline: true }).describe('What was done and with what result.'),
  });

  return z
    .strictObject({
      externalReference: text(100).optional().describe("The case's id in the caller's own system."),
      child,
      parents: z.array(parent).max(6, 'drīkst norādīt ne vairāk kā 6 vecākus vai aizbildņus').default([]),
      grounds: z
        .array(z.enum([firstGround, ...otherGrounds]))
        .min(1, 'jānorāda vismaz viens pamats') // give at least one ground
        .max(opts.groundKeys.length, 'katru pamatu drīkst norādīt tikai vienreiz'),
      situation: text(20_000, { multiline: true }).describe('What was observed.'),
      actionsTaken: z.array(action).max(100, 'drīkst norādīt ne vairāk kā 100 darbības').default([]),
      parentsInformed: z
        .strictObject({ date: pastDate, method: z.enum(informMethods), reference: text(100).optional() })
        .optional(),
      contactPerson: z
        .strictObject({ fullName: personName, position: text(100), phone: phone.optional(), email: email.optional() })
        .optional(),
      signatory: z.strictObject({ fullName: personName, position: text(100) }),
    })
    .superRefine((c, ctx) => {
      const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      c.grounds.forEach((g, i) => {
        if (c.grounds.indexOf(g) !== i) issue(['grounds', i], 'šis pamats jau norādīts'); // given twice
      });
      const birthDate = resolveBirthDate(c.child, opts.clock, issue);
      if (!birthDate) return;
      c.actionsTaken.forEach((a, i) => {
        if (isCalendarDate(a.date) && a.date < birthDate) issue(['actionsTaken', i, 'date'], 'datums ir pirms bērna dzimšanas datuma'); // before the child was born
      });
      if (c.parentsInformed && isCalendarDate(c.parentsInformed.date) && c.parentsInformed.date < birthDate) {
        issue(['parentsInformed', 'date'], 'datums ir pirms bērna dzimšanas datuma');
      }
    })
    .transform((c) => {
      const code = c.child.personalCode ? checkPersonalCode(c.child.personalCode) : undefined;
      const personalCode = code?.ok ? code.code : undefined;
      const birthDate = (c.child.birthDate ?? (code?.ok ? code.birthDate : undefined))!;
      return { ...c, child: { ...c.child, ...(personalCode ? { personalCode } : {}), birthDate } };
    });
}

/** The code alone: its shape, check digit and the birth date it holds. */
function personalCode(clock: Clock) {
  return z
    .string()
    .trim()
    .max(20, 'drīkst būt ne vairāk kā 20 rakstzīmes')
    .superRefine((v, ctx) => {
      const problem = personalCodeProblem(v, clock);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

function personalCodeProblem(v: string, clock: Clock): string | undefined {
  const code = checkPersonalCode(v);
  if (!code.ok) return personalCodeMessages[code.reason];
  if (code.birthDate && code.birthDate > todayInLatvia(clock)) return 'personas kodā ir nākotnes datums'; // holds a future date
  return undefined;
}

/**
 * The birth date the case states or its personal code holds; reports a missing or contradicting
 * date. A bad code was reported by its own field: then only a missing date is checked.
 */
function resolveBirthDate(
  child: { personalCode?: string | undefined; birthDate?: string | undefined },
  clock: Clock,
  issue: (path: PropertyKey[], message: string) => void,
): string | undefined {
  const given = child.personalCode;
  const code = given === undefined || personalCodeProblem(given, clock) ? undefined : checkPersonalCode(given);
  const fromCode = code?.ok ? code.birthDate : undefined;
  if (fromCode && child.birthDate && child.birthDate !== fromCode) {
    // Names the field that disagrees, never the code itself.
    issue(['child', 'birthDate'], 'nesakrīt ar personas kodā ietverto dzimšanas datumu'); // differs from the date in the personal code
    return undefined;
  }
  const birthDate = child.birthDate ?? fromCode;
  if (!birthDate && (given === undefined || code)) {
    issue(
      ['child', 'birthDate'],
      code?.ok ? 'obligāts lauks, jo jaunā parauga personas kodā dzimšanas datuma nav' : 'obligāts lauks', // required (new-form codes hold no date)
    );
  }
  return birthDate && isCalendarDate(birthDate) ? birthDate : undefined;
}

export type CaseSchema = ReturnType<typeof caseSchema>;
/** A case as the caller sends it. */
export type CaseInput = z.input<CaseSchema>;
/** A validated case: trimmed, normalised, with the birth date always present. */
export type Case = z.output<CaseSchema>;
