import type { Hash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../errors';

/** What to do with each part, in the order the parts arrive. A rejection stops the reading. */
export interface PartHandlers {
  field(name: string, value: string): void | Promise<void>;
  file(name: string, filename: string, stream: Readable): Promise<void>;
}

export interface MultipartLimits {
  /** Largest text field (the case JSON). */
  fieldBytes: number;
  /** Most file parts one request may carry. */
  files: number;
  /** Most text fields (default 20; a web form with many repeated rows needs a few hundred). */
  fields?: number;
}

/**
 * Streams a multipart/form-data request through busboy, handing each part over as it arrives:
 * files as streams, never buffered. When `hash` is given, every part (name, file name, value or
 * bytes) is fed to it as it passes, so a retried request can be recognised whatever boundary
 * its client chose. Rejects on the first failing handler, a malformed body or an aborted request,
 * and then stops reading; the part being read is failed with the same error.
 */
export function readMultipart(req: Request, limits: MultipartLimits, handlers: PartHandlers, hash?: Hash): Promise<void> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Sūtiet failus kā multipart/form-data.')); // send files as multipart/form-data
  }
  const fieldCount = limits.fields ?? 20;
  return new Promise<void>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fieldSize: limits.fieldBytes, fields: fieldCount, files: limits.files + 1, parts: limits.files + fieldCount + 1 },
      });
    } catch (err) {
      reject(new AppError('VALIDATION_FAILED', `Nevar nolasīt multipart pieprasījumu: ${(err as Error).message}`)); // cannot read the multipart request
      return;
    }
    let chain = Promise.resolve();
    let current: Readable | undefined;
    let failed = false;

    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      // Leave the rest of the body unread by anyone; Node discards it once the answer is sent.
      req.resume();
      current?.destroy(err as Error);
      reject(err);
    };
    const step = (work: () => void | Promise<void>) => {
      chain = chain.then(() => (failed ? undefined : work())).catch(fail);
    };

    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(new AppError('PAYLOAD_TOO_LARGE', `Daļa “${name}” ir lielāka par ${limits.fieldBytes} baitiem (JSON_BODY_LIMIT_BYTES).`, [{ path: name, message: 'par lielu' }]));
        return;
      }
      hash?.update(frame('field', name, value));
      step(() => handlers.field(name, value));
    });
    bb.on('file', (name, stream, info) => {
      hash?.update(frame('file', name, info.filename ?? ''));
      const source = hash ? stream.pipe(tap(hash)) : stream;
      if (hash) stream.on('error', (err) => source.destroy(err));
      // Failing the part in hand must not crash the process when its handler has not taken it yet.
      source.on('error', () => undefined);
      current = source;
      step(() => handlers.file(name, info.filename ?? '', source));
    });
    bb.on('filesLimit', () => fail(tooManyFiles(limits.files)));
    bb.on('partsLimit', () => fail(tooManyFiles(limits.files)));
    bb.on('fieldsLimit', () => fail(new AppError('VALIDATION_FAILED', 'Pieprasījumā ir par daudz teksta lauku.'))); // too many text fields
    bb.on('error', (err) => fail(new AppError('VALIDATION_FAILED', `Nevar nolasīt multipart pieprasījumu: ${(err as Error).message}`)));
    bb.on('close', () => {
      chain.then(() => (failed ? undefined : resolve()), fail);
    });
    req.on('close', () => {
      if (!req.complete) fail(new AppError('VALIDATION_FAILED', 'Pieprasījums tika pārtraukts, pirms tas bija saņemts līdz galam.')); // the request was aborted
    });
    req.pipe(bb);
  });
}

/** Length-prefixed, so no two different parts hash alike. */
function frame(kind: string, name: string, value: string): string {
  return `${kind}:${name.length}:${name}:${value.length}:${value}\n`;
}

function tap(hash: Hash): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      hash.update(`\nend:${size}\n`);
      done();
    },
  });
}

function tooManyFiles(max: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `Vienā pieprasījumā var būt ne vairāk kā ${max} faili (UPLOAD_MAX_FILES).`); // at most N files per request
}
