import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import FileType from 'file-type';
import { AppError } from '../../errors';
import { allowedList, type AllowedType } from './allowed-types';
import { classifyZip } from './zip-container';

/** Enough for every signature file-type knows, and for an OpenDocument `mimetype` entry. */
const HEAD_BYTES = 4100;
/** Enough for the central directory of any ordinary office document. */
const TAIL_BYTES = 256 * 1024;
// C0 controls other than tab, line feed, form feed and carriage return never occur in text files.
const NOT_TEXT = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;

export interface InspectedFile {
  type: AllowedType;
  size: number;
  sha256: string;
}

export interface InspectorLimits {
  /** Largest size of this file (UPLOAD_MAX_FILE_BYTES). */
  maxFileBytes: number;
  /** What is left of the case's total (UPLOAD_MAX_CASE_BYTES minus what it already has). */
  remainingCaseBytes: number;
  maxCaseBytes: number;
}

/**
 * Passes an upload through unchanged while it hashes it, counts it against the limits and finds
 * its real type; it fails the stream (so the blob store keeps nothing) as soon as the file is
 * too large or cannot be an allowed type, and at the latest before the last byte is written.
 */
export class UploadInspector extends Transform {
  private readonly hash = createHash('sha256');
  private size = 0;
  private head: Buffer[] = [];
  private headLength = 0;
  private tail: Buffer[] = [];
  private tailLength = 0;
  /** Set once the head is judged: a binary type, a zip to look into at the end, or maybe text. */
  private verdict: { kind: 'binary'; type: AllowedType } | { kind: 'zip' } | { kind: 'text'; claimed: string | undefined } | undefined;
  private readonly text = new TextDecoder('utf-8', { fatal: true });
  private result: InspectedFile | undefined;

  constructor(private readonly limits: InspectorLimits, private readonly label: { path: string; filename: string }) {
    super();
  }

  /** What the file turned out to be; only after the stream ended without error. */
  inspected(): InspectedFile {
    if (!this.result) throw new Error('the upload has not been inspected to its end');
    return this.result;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    const tooLarge = this.overLimit();
    if (tooLarge) return done(tooLarge);
    this.hash.update(chunk);
    this.keepTail(chunk);
    if (this.verdict) return done(this.checkText(chunk), chunk);
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < HEAD_BYTES) return done(null, chunk);
    this.judgeHead().then(
      () => done(this.checkText(Buffer.concat(this.head)), chunk),
      (err: unknown) => done(err as Error),
    );
  }

  override _flush(done: TransformCallback): void {
    const finish = async () => {
      if (this.size === 0) throw this.refusal('VALIDATION_FAILED', `Fails “${this.label.filename}” ir tukšs.`); // the file is empty
      if (!this.verdict) {
        await this.judgeHead();
        const err = this.checkText(Buffer.concat(this.head));
        if (err) throw err;
      }
      const type = this.finalType();
      this.result = { type, size: this.size, sha256: this.hash.digest('hex') };
    };
    finish().then(() => done(), (err: unknown) => done(err as Error));
  }

  private overLimit(): AppError | undefined {
    const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
    if (this.size > this.limits.maxFileBytes) {
      // "… is larger than the N allowed for one file"
      return this.refusal('PAYLOAD_TOO_LARGE', `Fails “${this.label.filename}” ir lielāks par vienam failam atļautajiem ${mib(this.limits.maxFileBytes)} (UPLOAD_MAX_FILE_BYTES).`);
    }
    if (this.size > this.limits.remainingCaseBytes) {
      // "… the case's materials together would exceed the N allowed"
      return this.refusal('PAYLOAD_TOO_LARGE', `Ar failu “${this.label.filename}” lietas materiāli kopā pārsniegtu atļautos ${mib(this.limits.maxCaseBytes)} (UPLOAD_MAX_CASE_BYTES).`);
    }
    return undefined;
  }

  private async judgeHead(): Promise<void> {
    const head = Buffer.concat(this.head);
    const found = await FileType.fromBuffer(head);
    const direct: Partial<Record<string, AllowedType>> = { pdf: 'pdf', png: 'png', jpg: 'jpeg' };
    if (found && direct[found.ext]) this.verdict = { kind: 'binary', type: direct[found.ext]! };
    else if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) this.verdict = { kind: 'zip' };
    // Plain text has no signature, and text may begin like one ("BM…", "MZ…"): it is text if it decodes.
    else this.verdict = { kind: 'text', claimed: found?.ext };
  }

  /** While the file may be text, every byte must be UTF-8 and free of control characters. */
  private checkText(bytes: Buffer): AppError | undefined {
    if (this.verdict?.kind !== 'text') return undefined;
    try {
      if (!NOT_TEXT.test(this.text.decode(bytes, { stream: true }))) return undefined;
    } catch {
      // invalid UTF-8: not text
    }
    const what = this.verdict.claimed ? `“${this.verdict.claimed}” fails` : 'nezināma veida fails'; // a "<type>" file / a file of unknown type
    // "… is a <type>; allowed are: …"
    return this.refusal('UNSUPPORTED_MEDIA_TYPE', `Fails “${this.label.filename}” ir ${what}, kādu pievienot nevar. Atļauti: ${allowedList}.`);
  }

  private finalType(): AllowedType {
    const v = this.verdict!;
    if (v.kind === 'binary') return v.type;
    if (v.kind === 'text') {
      try {
        this.text.decode();
      } catch {
        throw this.refusal('UNSUPPORTED_MEDIA_TYPE', `Fails “${this.label.filename}” nav derīgs UTF-8 teksts. Atļauti: ${allowedList}.`);
      }
      return 'txt';
    }
    const zip = classifyZip(Buffer.concat(this.head), Buffer.concat(this.tail), this.size);
    if (zip && zip.kind !== 'other' && zip.kind !== 'macro') return zip.kind;
    const why =
      zip?.kind === 'macro'
        ? `ir ${zip.format.toUpperCase()} dokuments ar makrosiem` // a document with macros
        : 'ir ZIP arhīvs, nevis DOCX, XLSX, ODT vai ODS dokuments'; // a zip archive, not an office document
    throw this.refusal('UNSUPPORTED_MEDIA_TYPE', `Fails “${this.label.filename}” ${why}. Atļauti: ${allowedList}.`);
  }

  private keepTail(chunk: Buffer): void {
    this.tail.push(chunk);
    this.tailLength += chunk.length;
    while (this.tail.length > 1 && this.tailLength - this.tail[0]!.length >= TAIL_BYTES) {
      this.tailLength -= this.tail.shift()!.length;
    }
  }

  private refusal(code: 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'VALIDATION_FAILED', message: string): AppError {
    return new AppError(code, message, [{ path: this.label.path, message }]);
  }
}
