import { z } from 'zod';

export const institutionKinds = [
  'school',
  'preschool',
  'social_service',
  'education_board',
  'cooperation_group',
  'orphans_court',
  'municipal_police',
  'state_police',
  'other',
] as const;
export type InstitutionKind = (typeof institutionKinds)[number];

/** Per-institution policy, kept with the institution. */
export const institutionSettingsSchema = z
  .object({
    /** The person who prepared a letter may not also sign it. */
    requireSeparateSigner: z.boolean().default(false),
  })
  .strict();
export type InstitutionSettings = z.infer<typeof institutionSettingsSchema>;

/** The institution JSON of CONTRACT (`sutne institution add <file.json>`). */
export const institutionInputSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'use 2–63 lower-case letters, digits and dashes, e.g. "daugavkrasta-pamatskola"'),
    kind: z.enum(institutionKinds),
    name: z.string().trim().min(2).max(200),
    regNo: z.string().trim().regex(/^\d{11}$|^\d{10}$|^LV\d{11}$/, 'must be the 10- or 11-digit registration number'),
    address: z.string().trim().min(5).max(300),
    email: z.email('must be an e-mail address'),
    phone: z.string().trim().regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number, e.g. +371 65100000').optional(),
    registerPrefix: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9ĀČĒĢĪĶĻŅŠŪŽāčēģīķļņšūž.-]{1,20}$/, 'use up to 20 letters, digits, dots and dashes, e.g. "1-13"'),
    settings: institutionSettingsSchema.optional(),
  })
  .strict();
export type InstitutionInput = z.infer<typeof institutionInputSchema>;

export interface Institution {
  id: string;
  kind: InstitutionKind;
  name: string;
  regNo: string;
  address: string;
  email: string;
  phone?: string;
  registerPrefix: string;
  settings: InstitutionSettings;
  createdAt: string;
}
