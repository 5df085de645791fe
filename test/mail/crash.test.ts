import { cliPrincipal } from '../../src/access';
import { loadConfig } from '../../src/config';
import { createDeps, type Deps } from '../../src/deps';
import { addInstitution } from '../../src/institutions';
import { queueLetter } from '../../src/mail';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { schoolInstitution } from '../support/service';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { seedSignedLetter, statePolice } from './fixtures';
import { startServiceProcess, type ServiceProcess } from './support/service-process';
import { until } from './support/until';

/*
 * Real `sutne serve` processes against one PostgreSQL database and a real SMTP server: one is
 * killed with SIGKILL in the middle of a batch and started again; two run side by side.
 */
describe('the outbox across processes on PostgreSQL', () => {
  let tdb: TestDatabase;
  let sink: SmtpSink;
  let deps: Deps;
  let env: Record<string, string>;
  const children: ServiceProcess[] = [];

  beforeEach(async () => {
    tdb = await createTestDatabase('postgres');
    sink = await startSmtpSink();
    env = {
      DATABASE_URL: tdb.databaseUrl!, DATA_DIR: tdb.dataDir, SMTP_URL: sink.url, MAIL_FROM: 'sutne@skola.example.lv',
      MAIL_POLL_MS: '50', MAIL_RETRY_BASE_MS: '50', MAIL_LEASE_MS: '1500',
    };
    deps = await createDeps(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      c.child.kill('SIGKILL');
      await c.exited;
    }
    await deps.close();
    await sink.stop();
    await tdb.drop();
  });

  const queueMany = async (n: number): Promise<Map<string, { messageId: string; sha256: string }>> => {
    const institutionId = await addInstitution(deps, schoolInstitution, 'test').catch(() => schoolInstitution.id);
    const ctx = { ...deps, mailFrom: deps.config.mailFrom };
    const out = new Map<string, { messageId: string; sha256: string }>();
    for (let i = 0; i < n; i++) {
      const { letterId } = await seedSignedLetter(deps, { institutionId, recipient: statePolice });
      await queueLetter(ctx, cliPrincipal(institutionId, 'signer'), letterId);
      const r = await deps.db.selectFrom('letters').select(['message_id', 'eml_sha256']).where('id', '=', letterId).executeTakeFirstOrThrow();
      out.set(letterId, { messageId: r.message_id!, sha256: r.eml_sha256! });
    }
    return out;
  };
  const statuses = async () => {
    const rows = await deps.db.selectFrom('letters').select(['id', 'status', 'attempts']).execute();
    return new Map(rows.map((r) => [r.id, r]));
  };
  const allSent = async (n: number) => [...(await statuses()).values()].filter((r) => r.status === 'sent').length === n;
  const serve = async () => {
    const c = await startServiceProcess(env);
    children.push(c);
    return c;
  };

  it('loses no letter and sends none twice when a worker is killed mid-batch and restarted', async () => {
    const letters = await queueMany(12);
    sink.delayMs = 40;
    const first = await serve();
    await sink.waitFor(3);
    sink.hold();
    // Kill while a message waits for its "250" and every message acknowledged before is recorded:
    // the crash then falls outside the one window no outbox can close (accepted, not yet recorded).
    const sentCount = async () => [...(await statuses()).values()].filter((r) => r.status === 'sent').length;
    await until(async () => sink.heldCount() >= 1 && (await sentCount()) === sink.received.length);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    sink.release();

    const atKill = await statuses();
    expect(atKill.size).toBe(12);
    const interrupted = [...atKill.values()].filter((r) => r.status === 'sending').map((r) => r.id);
    expect(interrupted.length).toBeGreaterThan(0);
    expect([...atKill.values()].every((r) => ['queued', 'sending', 'sent'].includes(r.status))).toBe(true);
    expect(sink.dropped.length).toBeGreaterThan(0);

    const second = await serve();
    await until(() => allSent(12), 30_000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const counts = sink.countsByMessageId();
    expect([...counts.keys()].sort()).toEqual([...letters.values()].map((l) => l.messageId).sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    for (const m of sink.received) expect([...letters.values()].map((l) => l.sha256)).toContain(m.sha256);
    const after = await statuses();
    for (const id of interrupted) expect(after.get(id)!.attempts).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it('two service processes on one database deliver each letter once', async () => {
    const a = await serve();
    const b = await serve();
    sink.delayMs = 25;
    const letters = await queueMany(40);
    await until(() => allSent(40), 40_000);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect([await a.exited, await b.exited]).toEqual([0, 0]);

    const counts = sink.countsByMessageId();
    expect(counts.size).toBe(40);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const [sentA, sentB] = [a.sent(), b.sent()];
    expect(sentA.filter((id) => sentB.includes(id))).toEqual([]);
    expect(new Set([...sentA, ...sentB])).toEqual(new Set(letters.keys()));
    expect(sentA.length).toBeGreaterThan(0);
    expect(sentB.length).toBeGreaterThan(0);
  }, 90_000);
});
