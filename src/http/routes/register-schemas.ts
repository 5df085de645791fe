import { z } from 'zod';
import { letterStatuses } from '../../letters';

/** The CONTRACT `letter` object as the register shows it. */
export const letterViewSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    registrationNumber: z.string(),
    recipient: z.object({ key: z.string(), name: z.string(), emails: z.array(z.string()) }),
    grounds: z.array(z.string()),
    status: z.enum(letterStatuses),
    template: z.object({ id: z.string(), version: z.string() }),
    pdf: z.object({ sha256: z.string(), size: z.number().int() }),
    attachments: z.array(z.object({ id: z.string(), filename: z.string(), sha256: z.string(), size: z.number().int() })),
    signedAt: z.string().optional(),
    timestamp: z.object({ genTime: z.string(), tsa: z.string() }).optional(),
    sentAt: z.string().optional(),
    messageId: z.string().optional(),
    attempts: z.number().int(),
    lastError: z.string().optional(),
    delivery: z
      .object({
        transport: z.enum(['smtp', 'capture']).describe('`capture`: no mail left the machine; the message was written as an .eml file under DATA_DIR/outbox (no SMTP_URL).'),
        serverResponse: z.string().optional().describe("The mail relay's last answer."),
      })
      .optional()
      .describe('How the letter left (or last tried to leave), once it has.'),
    cancelled: z.object({ at: z.string(), reason: z.string() }).optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'RegisterLetter' });
