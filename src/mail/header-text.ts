import { AppError } from '../errors';

/*
 * Everything that reaches a header of an outgoing message passes through here first. nodemailer
 * encodes what it is given (RFC 2047 words, RFC 2231 parameters) and folds long lines; these
 * functions make sure it is given one line of plain text, so no value from a case or a scheme file
 * can start a header of its own, whatever it contains.
 */

// C0 and C1 controls (CR, LF, TAB, NUL, ESC, …), DEL, line/paragraph separators, and the bidi
// controls that can make a file name read differently from what it is ("fdp.exe" shown as "exe.pdf").
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** One line of header text: unsafe characters become spaces, runs of spaces fold, at most `max` characters. */
export function headerText(value: string, max: number): string {
  return truncate(oneLine(value), max);
}

// "=?" opens an RFC 2047 encoded word. nodemailer writes plain ASCII text as it is, and mail
// clients decode such words even inside quoted names and parameters, so "=?utf-8?Q?a=0D=0ABcc:…?="
// would be shown as something other than what was written (a line break, another name). A space
// after the "=" keeps the text readable and never an encoded word.
const ENCODED_WORD_START = /=\?/g;

function oneLine(value: string): string {
  return value.normalize('NFC').replace(UNSAFE, ' ').replace(ENCODED_WORD_START, '= ?').replace(/\s+/g, ' ').trim();
}

/**
 * A file name fit for Content-Disposition: one line, no path parts, Unicode kept (nodemailer
 * writes it per RFC 2231), the extension kept when it has to be shortened.
 */
export function attachmentName(name: string, fallback: string, max = 150): string {
  const base = oneLine(name.replace(/[\\/]/g, ' ')).replace(/^[.\s]+/, '');
  if (!base) return fallback;
  if ([...base].length <= max) return base;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 10 ? base.slice(dot) : '';
  return truncate(base.slice(0, base.length - ext.length), max - [...ext].length).trimEnd() + ext;
}

// An RFC 5321 mailbox we are willing to put in an envelope: dot-atom local part and a host name
// (a single label such as "localhost" included), nothing that needs quoting or could hold a
// comment, a second address or a line break.
const MAILBOX = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Answers the address if it is one plain mailbox; otherwise refuses, naming what it is. */
export function mailbox(address: string, what: string): string {
  const a = address.trim();
  if (a.length > 254 || !MAILBOX.test(a)) {
    throw new AppError('UNPROCESSABLE', `${what} is not a plain e-mail address; fix it before sending.`, [
      { path: what, message: 'must be one e-mail address such as name@example.lv' },
    ]);
  }
  return a;
}

/** The domain part of an address, for Message-IDs. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
