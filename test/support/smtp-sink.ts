import { createHash } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

/** One message the sink accepted, as it arrived. */
export interface ReceivedMessage {
  raw: Buffer;
  sha256: string;
  envelope: { from: string; to: string[] };
  /** Whether the connection had been upgraded with STARTTLS (or was TLS from the start). */
  secure: boolean;
  parse(): Promise<ParsedMail>;
}

interface Reply {
  code: number;
  message: string;
}

/**
 * A real SMTP server in the test process (smtp-server), recording what it accepts. Tests make it
 * refuse (4xx/5xx), go down and come back on the same port, stall replies, or hold messages
 * before acknowledging them. A message counts as accepted only when its "250" is written to a
 * connection that is still open — one whose client died before the answer was never acknowledged.
 */
export class SmtpSink {
  readonly received: ReceivedMessage[] = [];
  /** Messages whose client disconnected before the sink answered (never acknowledged). */
  readonly dropped: Buffer[] = [];
  private server: SMTPServer | undefined;
  private port = 0;
  private readonly dataReplies: Reply[] = [];
  private readonly rcptReplies = new Map<string, Reply[]>();
  private readonly closedSessions = new Set<string>();
  private holding = false;
  private readonly held: Array<() => void> = [];
  private readonly waiters: Array<() => void> = [];
  /** Milliseconds to wait before answering each message (to keep deliveries in flight). */
  delayMs = 0;

  constructor(private readonly extra: Partial<SMTPServerOptions> = {}) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: this.extra.secure || this.extra.key ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      logger: false,
      closeTimeout: 100,
      size: 200 * 1024 * 1024,
      ...this.extra,
      onRcptTo: (address, _session, cb) => {
        const reply = this.rcptReplies.get(address.address.toLowerCase())?.shift();
        cb(reply ? smtpError(reply) : undefined);
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const answer = () => this.answer(raw, session, cb);
          const go = () => (this.holding ? this.held.push(answer) : answer());
          if (this.delayMs) setTimeout(go, this.delayMs);
          else go();
        });
      },
      onClose: (session) => {
        this.closedSessions.add(session.id);
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.port;
    this.server = server;
    return this;
  }

  /** Stops listening (connections are closed); `start()` comes back on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` messages get this reply to their data (e.g. 451 or 554). */
  replyToData(code: number, message: string, times = 1): void {
    for (let i = 0; i < times; i++) this.dataReplies.push({ code, message });
  }

  /** The next `times` RCPT TO for this address get this reply. */
  replyToRecipient(address: string, code: number, message: string, times = 1): void {
    const list = this.rcptReplies.get(address.toLowerCase()) ?? [];
    for (let i = 0; i < times; i++) list.push({ code, message });
    this.rcptReplies.set(address.toLowerCase(), list);
  }

  /** Holds every message after its data, unanswered, until `release()`. */
  hold(): void {
    this.holding = true;
  }

  heldCount(): number {
    return this.held.length;
  }

  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  /** Resolves once at least `count` messages were accepted in all. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`SMTP sink: ${this.received.length} of ${count} messages after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Accepted messages by Message-ID header, to count copies. */
  countsByMessageId(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.received) {
      const id = /^Message-ID:\s*(<[^>]+>)/im.exec(m.raw.toString('latin1'))?.[1] ?? '(none)';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  private answer(raw: Buffer, session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    const reply = this.dataReplies.shift();
    if (reply) return cb(smtpError(reply));
    if (this.closedSessions.has(session.id)) {
      this.dropped.push(raw);
      return cb(new Error('client gone'));
    }
    this.received.push({
      raw,
      sha256: createHash('sha256').update(raw).digest('hex'),
      envelope: {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
      },
      secure: session.secure,
      parse: () => simpleParser(raw),
    });
    cb();
    for (const w of this.waiters.splice(0)) w();
  }
}

function smtpError(reply: Reply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

export async function startSmtpSink(extra: Partial<SMTPServerOptions> = {}): Promise<SmtpSink> {
  return new SmtpSink(extra).start();
}
