import { z } from 'zod';
import { letterViewSchema } from './register-schemas';

/*
 * The shapes of the cases API's answers, for validation-free documentation in /openapi.json.
 */

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .max(255)
    .optional()
    .describe('Makes a retry return the first answer and create nothing new. Reusing it for another request is a 409.'),
});

const reasonSchema = z.object({
  rule: z.string().describe('Id of the scheme rule.'),
  ground: z.string(),
  paragraph: z.string().describe('Paragraph of the source decision.'),
  text: z.string().describe("The scheme's own words for the rule."),
});

export const routedRecipientSchema = z
  .object({
    key: z.string(),
    name: z.string().describe('Nominative.'),
    addressee: z.string().describe('Dative addressee line.'),
    emails: z.array(z.string()),
    template: z.string(),
    grounds: z.array(z.string()).describe('Every ground of the case that leads to this recipient.'),
    because: z.array(reasonSchema),
    explanation: z.string().describe('Why this recipient, in Latvian: rule, paragraph and scheme version.'),
  })
  .meta({ id: 'RoutedRecipient' });

export const warningSchema = z
  .object({
    code: z.string().describe('e.g. NO_SUPPORT_STAFF_ACTION'),
    message: z.string().describe('Latvian, for the clerk.'),
    paragraph: z.string(),
    recipients: z.array(z.string()),
  })
  .meta({ id: 'CaseWarning' });

export const attachmentSchema = z
  .object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int(), sha256: z.string(), createdAt: z.string() })
  .meta({ id: 'Attachment' });

const caseHead = {
  id: z.string(),
  externalReference: z.string().nullable(),
  createdAt: z.string(),
  scheme: z.object({ profile: z.string(), version: z.string() }),
  recipients: z.array(routedRecipientSchema),
  warnings: z.array(warningSchema),
};

export const caseAnswerSchema = z.object(caseHead).meta({ id: 'CaseCreated' });

export const caseRecordSchema = z
  .object({ ...caseHead, case: z.record(z.string(), z.unknown()).describe('The case as stored.'), attachments: z.array(attachmentSchema) })
  .meta({ id: 'Case' });

export const referralAnswerSchema = z.object({
  case: z.object({ ...caseHead, attachments: z.array(attachmentSchema) }),
  letters: z.array(letterViewSchema),
});

export const schemeSchema = z
  .object({
    profile: z.string(),
    version: z.string(),
    municipality: z.string(),
    title: z.string(),
    source: z.object({ decision: z.string(), adopted: z.string(), note: z.string().optional(), url: z.string().optional() }),
    grounds: z.array(z.object({ key: z.string(), label: z.string(), legalWording: z.string() })),
    recipients: z.array(z.object({ key: z.string(), name: z.string(), addressee: z.string(), emails: z.array(z.string()), template: z.string() })),
    rules: z.array(z.object({ id: z.string(), senders: z.union([z.literal('any'), z.array(z.string())]), ground: z.string(), recipients: z.array(z.string()), paragraph: z.string(), text: z.string() })),
  })
  .meta({ id: 'Scheme' });
