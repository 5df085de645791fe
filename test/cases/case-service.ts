import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestDialect } from '../support/databases';
import { startTestService, type TestService } from '../support/service';
import { exampleCase } from './scheme-fixture';

export const socialServiceInstitution = {
  id: 'aizkraukles-socialais-dienests',
  kind: 'social_service',
  name: 'Aizkraukles novada Sociālais dienests',
  regNo: '4090900002',
  address: 'Lāčplēša iela 1a, Aizkraukle, Aizkraukles novads, LV-5101',
  email: 'soccentrs@aizkraukle.lv',
  registerPrefix: 'SD-2',
};

export interface CaseService extends TestService {
  schoolId: string;
  /** A clerk's key of the example school. */
  clerk: string;
  auth(key?: string): [string, string];
  /** Posts a case as the school's clerk (or `key`), answering the response. */
  postCase(body?: unknown, key?: string): ReturnType<TestService['request']['post']>;
  /** Every blob file kept under DATA_DIR/blobs (not the temporary folder). */
  storedBlobs(): string[];
  tmpFiles(): string[];
}

export async function startCaseService(dialect: TestDialect, env: Record<string, string> = {}): Promise<CaseService> {
  const svc = await startTestService(dialect, env);
  const schoolId = await svc.addInstitution();
  const clerk = await svc.apiKey(schoolId, 'clerk');
  const blobRoot = path.join(svc.db.dataDir, 'blobs');
  const walk = (dir: string): string[] =>
    fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])) : [];
  return Object.assign(svc, {
    schoolId,
    clerk,
    auth: (key = clerk): [string, string] => ['Authorization', `Bearer ${key}`],
    postCase: (body: unknown = exampleCase('social-problems'), key = clerk) =>
      svc.request.post('/api/v1/cases').set('Authorization', `Bearer ${key}`).send(body as object),
    storedBlobs: () => walk(blobRoot).filter((f) => !f.startsWith(path.join(blobRoot, 'tmp'))),
    tmpFiles: () => walk(path.join(blobRoot, 'tmp')),
  });
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
