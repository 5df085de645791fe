import type { Request, Response } from 'express';
import express from 'express';
import type { Deps } from '../deps';
import { AppError } from '../errors';

/**
 * The request body as a PDF (`Content-Type: application/pdf`), read whole: signatures are
 * checked over the complete file. Bounded by UPLOAD_MAX_FILE_BYTES (413 above it).
 */
export async function readPdfBody(deps: Pick<Deps, 'config'>, req: Request, res: Response): Promise<Buffer> {
  if (!req.is('application/pdf')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the PDF itself as the body, with "Content-Type: application/pdf".');
  }
  await new Promise<void>((resolve, reject) => {
    express.raw({ type: () => true, limit: deps.config.limits.uploadFileBytes })(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
  });
  const pdf = req.body as unknown;
  if (!Buffer.isBuffer(pdf) || pdf.length === 0) throw new AppError('VALIDATION_FAILED', 'The body is empty: send the PDF.');
  return pdf;
}
