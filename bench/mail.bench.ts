/**
 * Mail throughput to a local SMTP server (smtp-server, in its own process): a signed two-page
 * letter PDF and a 1 MB work material per message. The outbox (message built once and stored,
 * claimed, sent over pooled connections, outcome and audit entry recorded in SQLite) beside
 * nodemailer sending the same message directly over the same pool size, in the same run.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { cliPrincipal } from '../src/access';
import { loadConfig } from '../src/config';
import { createDeps, type Deps } from '../src/deps';
import { addInstitution } from '../src/institutions';
import { queueLetter } from '../src/mail';
import { schoolInstitution } from '../test/support/service';
import { seedSignedLetter, statePolice, twoPagePdf } from '../test/mail/fixtures';
import { report } from './report';

const MESSAGES = 40;
const CONNECTIONS = 5;

const sinkSource = `
const { SMTPServer } = require('smtp-server');
const server = new SMTPServer({
  authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false, size: 50 * 1024 * 1024,
  onData(stream, _session, cb) { stream.on('data', () => {}); stream.on('end', () => cb()); },
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.server.address().port) + '\\n'));
`;

async function startSink(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', sinkSource], { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url: `smtp://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function main(): Promise<void> {
  const sink = await startSink();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-bench-mail-'));
  const env = { DATA_DIR: dir, SMTP_URL: sink.url, LOG_LEVEL: 'silent', MAIL_POLL_MS: '5', MAIL_FROM: 'sutne@skola.example.lv' };
  let deps: Deps | undefined;
  try {
    deps = await createDeps(loadConfig(env));
    const institutionId = await addInstitution(deps, schoolInstitution, 'bench');
    const pdf = await twoPagePdf();
    const material = randomBytes(1024 * 1024);
    const ctx = { ...deps, mailFrom: deps.config.mailFrom, titleOf: () => 'Par likumpārkāpumu izglītības iestādē' };
    const seed = async () => {
      const ids: string[] = [];
      for (let i = 0; i < MESSAGES; i++) {
        const l = await seedSignedLetter(deps!, {
          institutionId, recipient: statePolice, pdf, materials: [{ filename: 'Skolotājas ziņojums.pdf', content: material, contentType: 'application/pdf' }],
        });
        ids.push(l.letterId);
      }
      return ids;
    };

    // Warm up both paths (connections, JIT) before timing.
    const warm = await seed();
    for (const id of warm.slice(0, 5)) await queueLetter(ctx, cliPrincipal(institutionId, 'signer'), id);
    await drain(deps, 5);
    const direct = nodemailer.createTransport({ pool: true, url: sink.url, maxConnections: CONNECTIONS });
    const message = {
      from: { name: 'Daugavkrasta pamatskola', address: 'sutne@skola.example.lv' },
      to: statePolice.emails,
      replyTo: 'daugavkrasta.skola@example.lv',
      subject: 'Nr. 1-13/2026/1 — Par likumpārkāpumu izglītības iestādē',
      text: 'Labdien!\n\nPielikumā: vēstule un materiāls.\n',
      html: '<p>Labdien!</p><p>Pielikumā: vēstule un materiāls.</p>',
      attachments: [
        { filename: '1-13_2026_1.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: 'Skolotājas ziņojums.pdf', content: material, contentType: 'application/pdf' },
      ],
    };
    await Promise.all(Array.from({ length: 5 }, () => direct.sendMail(message)));

    // Baseline: nodemailer builds and sends each message directly.
    let t = process.hrtime.bigint();
    await Promise.all(Array.from({ length: MESSAGES }, () => direct.sendMail(message)));
    const directPerSec = MESSAGES / seconds(t);
    direct.close();

    // The outbox, delivery only: messages already built and stored when queued.
    const ids = await seed();
    for (const id of ids) await queueLetter(ctx, cliPrincipal(institutionId, 'signer'), id);
    t = process.hrtime.bigint();
    await drain(deps, MESSAGES);
    const deliveryPerSec = MESSAGES / seconds(t);

    // The outbox end to end: build + store each message, queue it, deliver it, record it.
    const more = await seed();
    t = process.hrtime.bigint();
    deps.mail.outbox.start();
    for (const id of more) await queueLetter({ ...ctx, nudge: () => deps!.mail.outbox.wake() }, cliPrincipal(institutionId, 'signer'), id);
    await waitSent(deps, 5 + 2 * MESSAGES);
    const endToEndPerSec = MESSAGES / seconds(t);
    await deps.mail.outbox.stop();

    report({ name: 'mail: outbox delivery of stored messages (2-page PDF + 1 MB), per second', value: deliveryPerSec, unit: 'msg/s', baseline: directPerSec });
    report({ name: 'mail: outbox queue + compose + deliver (2-page PDF + 1 MB), per second', value: endToEndPerSec, unit: 'msg/s', baseline: directPerSec });
  } finally {
    await deps?.close();
    sink.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function drain(deps: Deps, n: number): Promise<void> {
  let done = 0;
  while (done < n) done += await deps.mail.outbox.runOnce();
}

async function waitSent(deps: Deps, total: number): Promise<void> {
  for (;;) {
    const { n } = await deps.db.selectFrom('letters').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'sent').executeTakeFirstOrThrow();
    if (Number(n) >= total) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

void main();
