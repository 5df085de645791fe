/** Audit append cost on SQLite, beside a plain insert of the same row in the same run. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../src/audit';
import { systemClock } from '../src/clock';
import { migrateToLatest, openDatabase } from '../src/store';
import { medianMs, report } from './report';

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-bench-'));
  const handle = openDatabase({ dataDir: dir });
  try {
    await migrateToLatest(handle.db);
    const audit = new AuditLog(handle.db, systemClock);
    let i = 0;
    const chained = await medianMs(() =>
      audit.record({ action: 'case.read', actor: 'bench', institutionId: 'a', object: { type: 'case', id: `c${i++}` } }),
      500, 50);
    let j = 0;
    const plain = await medianMs(() =>
      handle.db.insertInto('audit_log').values({
        institution_id: 'b', n: ++j, at: new Date().toISOString(), actor: 'bench', action: 'case.read', object_type: 'case',
        object_id: `c${j}`, request_id: null, details: '{}', prev_hash: '0', hash: '0',
      }).execute(),
      500, 50);
    report({ name: 'audit append (sqlite), median', value: chained, unit: 'ms', baseline: plain });
  } finally {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
