import { attachmentName, domainOf, headerText, mailbox } from './header-text';
import { coverHtml, coverText } from './mail-body';

/** A name and an address, both already checked. */
export interface Mailbox {
  name: string;
  address: string;
}

/** A stored file to attach: where its bytes are, and what they must hash to. */
export interface StoredPart {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  blobKey: string;
}

/** Everything a message is made of, every header value already safe to write. */
export interface MessageSpec {
  messageId: string;
  date: Date;
  from: Mailbox;
  replyTo: Mailbox;
  to: Mailbox[];
  subject: string;
  text: string;
  html: string;
  attachments: StoredPart[];
}

/** What the outbox knows about a signed letter when it is queued. */
export interface LetterToSend {
  letterId: string;
  registrationNumber: string;
  /** The letter's title in Latvian, "Par …". */
  title: string;
  recipient: { name: string; emails: string[] };
  pdf: { blobKey: string; sha256: string; size: number };
  materials: StoredPart[];
}

export interface Sender {
  /** MAIL_FROM: the envelope sender and the From address. */
  mailFrom: string;
  institution: { name: string; email: string };
}

const SUBJECT_MAX = 250;
const NAME_MAX = 120;

/**
 * Builds the message of a signed letter: To every address of the recipient in one message, From
 * MAIL_FROM in the institution's name, Reply-To the institution, the registration number and
 * title as the subject, the signed PDF named after its registration number, then every work
 * material under its own name. Addresses that are not plain mailboxes are refused.
 */
export function letterMessage(letter: LetterToSend, sender: Sender, fixed: { messageId: string; date: Date }): MessageSpec {
  const institutionName = headerText(sender.institution.name, NAME_MAX);
  const recipientName = headerText(letter.recipient.name, NAME_MAX);
  const registrationNumber = headerText(letter.registrationNumber, 60);
  const title = headerText(letter.title, 200);
  if (letter.recipient.emails.length === 0) mailbox('', 'recipient.emails');
  const addresses = letter.recipient.emails.map((e, i) => mailbox(e, `recipient.emails[${i}]`));
  const to = addresses
    .filter((a, i) => addresses.findIndex((b) => b.toLowerCase() === a.toLowerCase()) === i)
    .map((address) => ({ name: recipientName, address }));
  const replyTo = { name: institutionName, address: mailbox(sender.institution.email, 'institution.email') };
  const pdf: StoredPart = {
    filename: letterFileName(registrationNumber),
    contentType: 'application/pdf',
    ...letter.pdf,
  };
  const materials = letter.materials.map((m, i) => ({
    ...m,
    filename: attachmentName(m.filename, `pielikums-${i + 1}`),
    contentType: safeContentType(m.contentType),
  }));
  const note = {
    institutionName,
    registrationNumber,
    title,
    replyTo: replyTo.address,
    attachments: [{ ...pdf, isLetter: true }, ...materials],
  };
  return {
    ...fixed,
    from: { name: institutionName, address: mailbox(sender.mailFrom, 'MAIL_FROM') },
    replyTo,
    to,
    subject: headerText(`Nr. ${registrationNumber} — ${title}`, SUBJECT_MAX),
    text: coverText(note),
    html: coverHtml(note),
    attachments: [pdf, ...materials],
  };
}

/** `1-13/2026/5` → `1-13_2026_5.pdf`. */
export function letterFileName(registrationNumber: string): string {
  return attachmentName(`${registrationNumber.replace(/[\\/\s]+/g, '_')}.pdf`, 'vestule.pdf');
}

/** The Message-ID of a letter, fixed once when it is queued and kept on every attempt. */
export function letterMessageId(letterId: string, mailFrom: string): string {
  return `<sutne.${letterId.replace(/[^A-Za-z0-9-]/g, '')}@${domainOf(mailbox(mailFrom, 'MAIL_FROM'))}>`;
}

function safeContentType(type: string): string {
  return /^[a-z]+\/[a-z0-9][a-z0-9.+-]{0,100}$/i.test(type) ? type.toLowerCase() : 'application/octet-stream';
}
