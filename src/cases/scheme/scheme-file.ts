import { z } from 'zod';
import { institutionKinds } from '../../institutions';
import { actionStages, informMethods } from '../case-schema';

/*
 * The format of `templates/<profile>/scheme.json`: one municipality's referral scheme as data.
 * Operators write these files, so messages here are in English, like configuration errors.
 */

const key = z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, 'must be 2–63 lower-case letters, digits and underscores, e.g. "state_police"');
const code = z.string().regex(/^[A-Z][A-Z0-9_]{2,62}$/, 'must be 3–63 upper-case letters, digits and underscores, e.g. "NO_SUPPORT_STAFF_ACTION"');
const line = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).refine((v) => !/[\u0000-\u001F\u007F]/.test(v), 'must be one line of text');
const paragraph = z.string().regex(/^\d+(\.\d+)*$/, 'must be the paragraph number in the source decision, e.g. "3" or "3.1"');
const senders = z.union([z.literal('any'), z.array(z.enum(institutionKinds)).min(1, 'must name at least one sender kind, or be "any"')]);

const recipient = z.strictObject({
  key,
  /** Nominative, as a list or register shows it: "Valsts policija". */
  name: line(200),
  /** Dative, as the letter's addressee line writes it: "Valsts policijai". */
  addressee: line(200),
  emails: z.array(z.email('must be an e-mail address')).min(1, 'must list at least one e-mail address').max(10),
  /** The letter template (under the profile's letters/ folder) this recipient's letters use. */
  template: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a template id: lower-case letters, digits and dashes'),
});

const ground = z.strictObject({
  /** The value callers send in `grounds`. */
  key,
  /** Short Latvian label for lists and forms. */
  label: line(200),
  /** The phrase a letter uses to state the ground ("… jo {legalWording}"). */
  legalWording: line(1000),
});

const rule = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2–63 lower-case letters, digits and dashes'),
  senders,
  ground: key,
  recipients: z.array(key).min(1, 'must name at least one recipient'),
  /** Where in the source decision this rule comes from, so routing can say why. */
  paragraph,
  /** The scheme's own words for the rule, quoted in explanations. */
  text: line(2000),
});

const precondition = z.strictObject({
  /** The warning code callers see when the case does not show this. */
  code,
  paragraph,
  senders,
  /** The rule applies when the case is routed to any of these (all routed recipients if absent). */
  recipients: z.array(key).min(1).optional(),
  requires: z
    .strictObject({
      /** Satisfied when, for one of the alternatives, the case records an action at every stage listed. */
      actions: z.array(z.array(z.enum(actionStages)).min(1)).min(1).optional(),
      /** Satisfied when the parents were informed by one of these methods. */
      parentsInformed: z.array(z.enum(informMethods)).min(1).optional(),
    })
    .refine((r) => r.actions || r.parentsInformed, 'must require "actions" or "parentsInformed"'),
  /** Latvian, for the clerk: what the case does not show. */
  message: line(1000),
});

export const schemeFileSchema = z.strictObject({
  profile: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2–63 lower-case letters, digits and dashes'),
  /** Changes whenever the routing or wording changes; cases record the version they were routed by. */
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,39}$/, 'must be a version label, e.g. "2023-01-19.1"'),
  municipality: line(200),
  title: line(500),
  source: z.strictObject({
    decision: line(1000),
    adopted: z.iso.date('must be a date, YYYY-MM-DD'),
    note: line(2000).optional(),
    url: z.url().optional(),
  }),
  recipients: z.array(recipient).min(1),
  grounds: z.array(ground).min(1),
  rules: z.array(rule).min(1),
  preconditions: z.array(precondition).default([]),
});

export type SchemeFile = z.output<typeof schemeFileSchema>;
