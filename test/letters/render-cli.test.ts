import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/store';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { fold, pdfInfo, pdfText } from './support/pdf-tools';
import { repoRoot } from './support/letter-fixtures';

const examples = path.join(repoRoot, 'test/fixtures/cases');

const run = (args: string[], env: Record<string, string>) => runCli(args, env, repoRoot);

describe('sutne render', () => {
  let tdb: TestDatabase;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    env = { DATA_DIR: tdb.dataDir, LOG_LEVEL: 'silent' };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-render-'));
    fs.writeFileSync(path.join(dir, 'school.json'), JSON.stringify({
      id: 'daugavkrasta-pamatskola', kind: 'school', name: 'Daugavkrasta pamatskola', regNo: '4312900001',
      address: 'Skolas iela 3, Aizkraukle, Aizkraukles novads, LV-5101', email: 'daugavkrasta.skola@example.lv', registerPrefix: '1-13',
    }));
    expect((await run(['institution', 'add', path.join(dir, 'school.json')], env)).code).toBe(0);
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await tdb.drop();
  });

  it('writes an unregistered draft PDF of a case file, listing the files given', async () => {
    const out = path.join(dir, 'policija.pdf');
    const material = path.join(dir, 'piezīme.txt');
    fs.writeFileSync(material, 'Rakstiska piezīme.\n');
    const res = await run(
      ['render', path.join(examples, 'case-police.json'), '--institution', 'daugavkrasta-pamatskola', '--recipient', 'state_police', '--out', out, '--attach', material],
      env,
    );
    expect(res).toMatchObject({ code: 0, stdout: `${out}\n` });
    expect(res.stderr).toContain('template state-police');
    const pdf = fs.readFileSync(out);
    const text = fold(pdfText(pdf));
    expect(text).toMatch(/Nr\. 1-13\/\d{4}\/____/);
    expect(text).toContain('Valsts policijai');
    expect(text).toContain('1. piezīme.txt (20 baiti) SHA-256: ');
    expect(pdfInfo(pdf)).toMatch(/PDF version:\s+1\.7/);
    const handle = openDatabase({ dataDir: tdb.dataDir });
    try {
      expect(await handle.db.selectFrom('letters').select('id').execute()).toEqual([]);
      expect(await handle.db.selectFrom('register_counters').selectAll().execute()).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  it('says which recipients a case goes to when asked for another', async () => {
    const res = await run(['render', path.join(examples, 'case-police.json'), '--institution', 'daugavkrasta-pamatskola', '--recipient', 'social_service', '--out', path.join(dir, 'x.pdf')], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('its recipients are: state_police, municipal_police, parents');
    expect(fs.existsSync(path.join(dir, 'x.pdf'))).toBe(false);
  });

  it('names every bad field of the case file', async () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ child: { fullName: 'Anna' }, grounds: ['nope'] }));
    const res = await run(['render', path.join(dir, 'bad.json'), '--institution', 'daugavkrasta-pamatskola', '--recipient', 'parents', '--out', path.join(dir, 'y.pdf')], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('  - grounds[0]: ');
    expect(res.stderr).toContain('  - situation: ');
  });
});
