import type { Express } from 'express';
import supertest from 'supertest';
import type { Role } from '../../src/access';
import { createApiKey } from '../../src/access';
import type { Clock } from '../../src/clock';
import { loadConfig, type Config } from '../../src/config';
import { createDeps, type Deps } from '../../src/deps';
import { createApp } from '../../src/http';
import { addInstitution } from '../../src/institutions';
import { createTestDatabase, type TestDatabase, type TestDialect } from './databases';

export const schoolInstitution = {
  id: 'daugavkrasta-pamatskola',
  kind: 'school',
  name: 'Daugavkrasta pamatskola',
  regNo: '4312900001',
  address: 'Skolas iela 3, Aizkraukle, Aizkraukles novads, LV-5101',
  email: 'daugavkrasta.skola@example.lv',
  phone: '+371 65100000',
  registerPrefix: '1-13',
} as const;

export interface TestService {
  db: TestDatabase;
  config: Config;
  deps: Deps;
  app: Express;
  openApiDocument: () => object;
  request: ReturnType<typeof supertest>;
  /** Registers an institution (the example school unless given) and answers its id. */
  addInstitution(input?: Record<string, unknown>): Promise<string>;
  /** A live API key of that role for that institution. */
  apiKey(institutionId: string, role: Role): Promise<string>;
  close(): Promise<void>;
}

/** A whole service over a fresh database of the given dialect, migrated, not listening. */
export async function startTestService(
  dialect: TestDialect = 'sqlite',
  env: Record<string, string> = {},
  opts: { clock?: Clock } = {},
): Promise<TestService> {
  const db = await createTestDatabase(dialect);
  const config = loadConfig({
    SUTNE_ENV: 'test',
    DATA_DIR: db.dataDir,
    LOG_LEVEL: 'silent',
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    ...env,
  });
  const deps = await createDeps(config, opts.clock ? { clock: opts.clock } : {});
  // As startService does: the signing key is loaded (the development PKI made) before serving.
  // A test that moves the clock (retention, session expiry) signs nothing, and the certificate
  // would not be valid at its made-up time.
  if (!opts.clock) await deps.signing.ready();
  const { app, openApiDocument } = createApp(deps);
  return {
    db,
    config,
    deps,
    app,
    openApiDocument,
    request: supertest(app),
    addInstitution: (input = schoolInstitution) => addInstitution(deps, input, 'test'),
    apiKey: async (institutionId, role) => (await createApiKey(deps, { institutionId, role }, 'test')).key,
    close: async () => {
      await deps.close();
      await db.drop();
    },
  };
}
