import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { can, createApiKey, createUser, roles, type Permission, type Role } from '../../src/access';
import { insertFixtureLetter } from '../export/support/fixtures';
import { pdf } from '../cases/sample-files';
import type { TestDialect } from '../support/databases';
import { schoolInstitution, startTestService, type TestService } from '../support/service';
import { signIn, type SignedIn } from '../support/web';

export const examples = path.join(__dirname, '..', '..', '..', 'shared', 'examples');
export const exampleCase = (): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(examples, 'case-social-problems.json'), 'utf8'));
export const password = 'garš-un-drošs-parole-1';

/** One institution's credentials: a key for every role, and people signed in. */
export interface Side {
  institutionId: string;
  keys: Record<Role, string>;
  /** A key of a role that has `permission`. */
  keyFor(permission: Permission): string;
}

/** Objects of institution A that B must never reach. */
export interface Objects {
  caseId: string;
  attachmentId: string;
  letterId: string;
  registrationNumber: string;
  exportId: string;
  userId: string;
  apikeyId: string;
}

export interface World {
  svc: TestService;
  a: Side & { objects: Objects; signer: SignedIn; revokedKey: string };
  b: Side;
  close(): Promise<void>;
}

/** The path segment before a `{param}` says whose id goes there. */
export const objectBySegment: Record<string, keyof Objects> = {
  cases: 'caseId',
  attachments: 'attachmentId',
  letters: 'letterId',
  exports: 'exportId',
  users: 'userId',
  apikeys: 'apikeyId',
};

async function side(svc: TestService, institutionId: string): Promise<Side> {
  const keys = {} as Record<Role, string>;
  for (const role of roles) keys[role] = (await createApiKey(svc.deps, { institutionId, role }, 'test')).key;
  return {
    institutionId,
    keys,
    keyFor: (permission) => {
      const role = roles.find((r) => can(r, permission));
      if (!role) throw new Error(`no role has ${permission}`);
      return keys[role];
    },
  };
}

/** Two institutions on one service; A has a case, a work material, a letter, an export, a user and keys. */
export async function buildWorld(dialect: TestDialect): Promise<World> {
  const svc = await startTestService(dialect, {
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
    LOGIN_ATTEMPTS_PER_MINUTE: '1000',
    UPLOAD_MAX_FILE_BYTES: String(256 * 1024),
    JSON_BODY_LIMIT_BYTES: String(64 * 1024),
  });
  const aId = await svc.addInstitution();
  const bId = await svc.addInstitution({ ...schoolInstitution, id: 'cita-skola', name: 'Cita skola', registerPrefix: '2-1' });
  const a = await side(svc, aId);
  const b = await side(svc, bId);

  const created = await svc.request.post('/api/v1/cases').set('Authorization', `Bearer ${a.keys.clerk}`).send(exampleCase());
  if (created.status !== 201) throw new Error(`case: ${created.status} ${created.text}`);
  const caseId = created.body.id as string;
  const uploaded = await svc.request
    .post(`/api/v1/cases/${caseId}/attachments`)
    .set('Authorization', `Bearer ${a.keys.clerk}`)
    .attach('file', await pdf('Ģirta Ķēniņa izziņa'), 'izziņa.pdf');
  if (uploaded.status !== 201) throw new Error(`attachment: ${uploaded.status} ${uploaded.text}`);
  const letter = await insertFixtureLetter(svc.deps, { institutionId: aId, caseId, childName: 'Ģirts Ķēniņš' });
  const exportId = randomUUID();
  const exported = await svc.request.get(`/api/v1/export?exportId=${exportId}`).set('Authorization', `Bearer ${a.keys.auditor}`);
  if (exported.status !== 200) throw new Error(`export: ${exported.status}`);
  const userId = (await createUser(svc.deps, { institutionId: aId, role: 'signer', email: 'parakstitajs@skola.lv', password }, 'test')).id;
  const revoked = await createApiKey(svc.deps, { institutionId: aId, role: 'admin' }, 'test');
  await svc.request.delete(`/api/v1/apikeys/${revoked.id}`).set('Authorization', `Bearer ${a.keys.admin}`).expect(204);
  const apikeyId = (await createApiKey(svc.deps, { institutionId: aId, role: 'clerk', name: 'A atslēga' }, 'test')).id;
  const signer = await signIn(svc, 'parakstitajs@skola.lv', password);

  return {
    svc,
    a: {
      ...a,
      objects: { caseId, attachmentId: uploaded.body[0].id, letterId: letter.id, registrationNumber: letter.registrationNumber, exportId, userId, apikeyId },
      signer,
      revokedKey: revoked.key,
    },
    b,
    close: () => svc.close(),
  };
}
