/** The SMTP envelope of one delivery attempt (a type, not an interface: nodemailer wants an index signature). */
export type Envelope = {
  from: string;
  to: string[];
};

/** What the receiving side answered. */
export interface DeliveryReceipt {
  /** The final server answer (e.g. "250 2.0.0 Ok: queued as 4F2A1"), or where the capture wrote the file. */
  response: string;
  accepted: string[];
  /** Recipients refused while others were accepted, with the server's reason for each. */
  rejected: Array<{ address: string; response: string; permanent: boolean }>;
}

/**
 * Where letters leave the machine. `send` hands over exactly the bytes given; it never builds or
 * changes a message. A failure is thrown as the transport's own error; `classifyFailure` reads it.
 */
export interface MailTransport {
  /** Recorded with each letter: `smtp` (the relay of SMTP_URL) or `capture` (.eml files, no mail sent). */
  readonly name: 'smtp' | 'capture';
  send(message: { envelope: Envelope; raw: Buffer; letterId: string }): Promise<DeliveryReceipt>;
  /** Closes pooled connections after the deliveries in hand. */
  close(): Promise<void>;
}
