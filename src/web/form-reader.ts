import type { Readable } from 'node:stream';
import type { Request } from 'express';
import { AppError } from '../errors';
import { readMultipart } from '../http/multipart';

/** A page's form as posted: every value of each field name, in order. */
export type FormFields = Map<string, string[]>;

export interface FormLimits {
  /** Largest single text field. */
  fieldBytes: number;
  /** Most text fields (a case with many actions has a few hundred). */
  fields: number;
  /** Most file parts. */
  files: number;
}

/**
 * Reads a page's `multipart/form-data` post (the API's streaming reader): text fields are collected, each file is
 * handed to `onFile` as a stream when it arrives, after the fields before it (pages put their
 * file inputs last, so the form's data is known before any byte of a file is stored). Empty file
 * inputs (no file chosen) are skipped. Rejects on the first failing handler, an over-limit or
 * malformed body, or an aborted request; the rest of the body is then left unread.
 */
export async function readForm(
  req: Request,
  limits: FormLimits,
  onFile: (fields: FormFields, name: string, filename: string, stream: Readable) => Promise<void>,
): Promise<FormFields> {
  const fields: FormFields = new Map();
  await readMultipart(req, limits, {
    field: (name, value) => {
      const list = fields.get(name);
      if (list) list.push(value);
      else fields.set(name, [value]);
    },
    file: async (name, filename, stream) => {
      if (!filename) {
        stream.resume();
        return;
      }
      await onFile(fields, name, filename, stream);
    },
  });
  return fields;
}

/** The first value of a field, or undefined. */
export function fieldOf(fields: FormFields, name: string): string | undefined {
  return fields.get(name)?.[0];
}

/**
 * The one file of a small form (a PDF to verify or accept), read whole up to `maxBytes`, after
 * `guard` has seen the fields before it (the CSRF token comes first). Undefined when no file
 * was chosen.
 */
export async function readOneFile(
  req: Request,
  field: string,
  maxBytes: number,
  guard: (fields: FormFields) => void,
): Promise<Buffer | undefined> {
  let file: Buffer | undefined;
  const fields = await readForm(req, { fieldBytes: 1024, fields: 5, files: 1 }, async (f, name, _filename, stream) => {
    guard(f);
    if (name !== field) throw new AppError('VALIDATION_FAILED', `Nezināms lauks “${name}”.`, [{ path: name, message: 'nav zināms lauks' }]); // unknown field
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `Fails ir lielāks par ${maxBytes} baitiem (UPLOAD_MAX_FILE_BYTES).`); // larger than
      chunks.push(chunk);
    }
    file = Buffer.concat(chunks);
  });
  guard(fields);
  return file?.length ? file : undefined;
}
