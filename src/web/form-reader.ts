import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../errors';

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
 * Reads a page's `multipart/form-data` post with busboy: text fields are collected, each file is
 * handed to `onFile` as a stream when it arrives, after the fields before it (pages put their
 * file inputs last, so the form's data is known before any byte of a file is stored). Empty file
 * inputs (no file chosen) are skipped. Rejects on the first failing handler, an over-limit or
 * malformed body, or an aborted request; the rest of the body is then left unread.
 */
export function readForm(
  req: Request,
  limits: FormLimits,
  onFile: (fields: FormFields, name: string, filename: string, stream: Readable) => Promise<void>,
): Promise<FormFields> {
  const fields: FormFields = new Map();
  if (!req.is('multipart/form-data')) return Promise.reject(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Sūtiet formu kā multipart/form-data.'));
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fieldSize: limits.fieldBytes, fields: limits.fields, files: limits.files, parts: limits.fields + limits.files },
      });
    } catch (err) {
      reject(new AppError('VALIDATION_FAILED', `Nevar nolasīt formu: ${(err as Error).message}`)); // cannot read the form
      return;
    }
    let chain = Promise.resolve();
    let current: Readable | undefined;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume();
      current?.destroy(err as Error);
      reject(err);
    };
    const step = (work: () => void | Promise<void>) => {
      chain = chain.then(() => (failed ? undefined : work())).catch(fail);
    };
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(new AppError('PAYLOAD_TOO_LARGE', `Lauks “${name}” ir par garu.`, [{ path: name, message: 'par garu' }])); // too long
        return;
      }
      step(() => {
        const list = fields.get(name);
        if (list) list.push(value);
        else fields.set(name, [value]);
      });
    });
    bb.on('file', (name, stream, info) => {
      stream.on('error', () => undefined);
      current = stream;
      step(() => {
        if (!info.filename) {
          stream.resume();
          return;
        }
        return onFile(fields, name, info.filename, stream);
      });
    });
    bb.on('filesLimit', () => fail(new AppError('PAYLOAD_TOO_LARGE', `Vienā reizē var pievienot ne vairāk kā ${limits.files} failus.`, [{ path: 'files', message: `ne vairāk kā ${limits.files} faili` }])));
    bb.on('fieldsLimit', () => fail(new AppError('PAYLOAD_TOO_LARGE', 'Formā ir par daudz lauku.'))); // too many fields
    bb.on('partsLimit', () => fail(new AppError('PAYLOAD_TOO_LARGE', 'Formā ir par daudz lauku.')));
    bb.on('error', (err) => fail(new AppError('VALIDATION_FAILED', `Nevar nolasīt formu: ${(err as Error).message}`)));
    bb.on('close', () => {
      chain.then(() => (failed ? undefined : resolve(fields)), fail);
    });
    req.on('close', () => {
      if (!req.complete) fail(new AppError('VALIDATION_FAILED', 'Forma netika saņemta līdz galam.')); // the form was not received in full
    });
    req.pipe(bb);
  });
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
