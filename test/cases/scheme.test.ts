import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadScheme, parseScheme, routeCase, SchemeError } from '../../src/cases';
import { aizkraukleDir, ozolkalniDir } from './scheme-fixture';

const aizkraukleJson = () => JSON.parse(fs.readFileSync(path.join(aizkraukleDir, 'scheme.json'), 'utf8'));

function problemsOf(json: unknown): string[] {
  try {
    parseScheme(json, 'scheme.json', '/x');
  } catch (err) {
    if (err instanceof SchemeError) return err.problems;
    throw err;
  }
  throw new Error('expected the scheme to be refused');
}

describe('loading a municipality profile', () => {
  it('loads the Aizkraukle scheme with its source decision, version, recipients, grounds and rules', async () => {
    const scheme = await loadScheme(aizkraukleDir);
    expect(scheme.profile).toBe('aizkraukle');
    expect(scheme.version).toBe('2023-01-19.1');
    expect(scheme.source.decision).toContain('lēmums Nr. 11');
    expect(scheme.source.adopted).toBe('2023-01-19');
    expect(scheme.dir).toBe(aizkraukleDir);
    expect([...scheme.recipients.keys()]).toEqual(['social_service', 'state_police', 'municipal_police', 'cooperation_group', 'education_board', 'orphans_court']);
    expect(scheme.recipients.get('cooperation_group')).toMatchObject({
      name: 'Aizkraukles novada pašvaldības bērnu tiesību aizsardzības sadarbības grupa',
      addressee: 'Aizkraukles novada pašvaldības bērnu tiesību aizsardzības sadarbības grupai',
      emails: ['aizkraukle@pakalpojumucentri.lv'],
    });
    expect([...scheme.grounds.keys()]).toEqual([
      'social_problems_in_family', 'unlawful_conduct', 'internal_rules_violation', 'parental_duties_neglect',
      'unexcused_absence', 'family_not_cooperating', 'custody_question',
    ]);
    // Letters cite the regulation by its real number, 89 (the council's text prints "Nr.8").
    expect(scheme.grounds.get('unexcused_absence')!.legalWording).toContain('noteikumi Nr. 89');
  });

  it('adds a second municipality as a folder: other names, addresses and grounds, no code', async () => {
    const scheme = await loadScheme(ozolkalniDir);
    expect(scheme.profile).toBe('ozolkalni');
    const routing = routeCase(scheme, 'school', ['bullying', 'violence_suspected']);
    expect(routing.scheme).toEqual({ profile: 'ozolkalni', version: '2025-06-01.2' });
    expect(routing.recipients.map((r) => [r.key, r.grounds, r.emails])).toEqual([
      ['family_support', ['bullying'], ['atbalsts@ozolkalni.example']],
      ['state_police', ['bullying', 'violence_suspected'], ['iecirknis@ozolkalni-vp.example', 'dezurdala@ozolkalni-vp.example']],
      ['orphans_court', ['violence_suspected'], ['barintiesa@ozolkalni.example']],
    ]);
    expect(routing.recipients[1]!.template).toBe('police');
  });

  it('says where to look when the folder has no scheme file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-scheme-'));
    await expect(loadScheme(dir)).rejects.toThrow(/scheme\.json is not valid:\n {2}- the file does not exist \(check SCHEME_DIR\)/);
    fs.writeFileSync(path.join(dir, 'scheme.json'), '{ "profile": ');
    await expect(loadScheme(dir)).rejects.toThrow(/not valid JSON/);
    fs.rmSync(dir, { recursive: true });
  });

  it('names the bad entry by its key, not only by its position', () => {
    const json = aizkraukleJson();
    json.recipients[1].emails[1] = 'not-an-address';
    json.grounds[2].label = '';
    json.rules[3].paragraph = 'three';
    json.preconditions[0].requires = {};
    delete json.version;
    json.extra = true;
    expect(problemsOf(json).sort()).toEqual([
      '(body): Unrecognized key: "extra"',
      'grounds[2] "internal_rules_violation".label: must not be empty',
      'preconditions[0] "NO_SUPPORT_STAFF_ACTION".requires: must require "actions" or "parentsInformed"',
      'recipients[1] "state_police".emails[1]: must be an e-mail address',
      'rules[3] "school-parental-duties".paragraph: must be the paragraph number in the source decision, e.g. "3" or "3.1"',
      'version: is required',
    ]);
  });

  it('refuses names that point nowhere, duplicates, and grounds no rule routes', () => {
    const json = aizkraukleJson();
    json.rules[0].recipients = ['social_services'];
    json.rules[1].ground = 'unlawful';
    json.rules[2].id = json.rules[0].id;
    json.recipients.push({ ...json.recipients[0] });
    json.preconditions[1].recipients = ['police'];
    json.grounds.push({ key: 'new_ground', label: 'Jauns', legalWording: 'jauns' });
    expect(problemsOf(json)).toEqual([
      'recipients[6] "social_service": the same key is used by recipients[0]',
      'rules[2] "school-social-problems": the same id is used by rules[0]',
      'rules[0] "school-social-problems".recipients[0]: "social_services" is not a key in recipients',
      'rules[1] "school-unlawful-conduct".ground: "unlawful" is not a key in grounds',
      'preconditions[1] "PARENTS_NOT_INFORMED_IN_WRITING".recipients[0]: "police" is not a key in recipients',
      'grounds[1] "unlawful_conduct": no rule routes this ground, so no case could use it',
      'grounds[7] "new_ground": no rule routes this ground, so no case could use it',
    ]);
  });

  it('refuses a sender kind that institutions cannot have', () => {
    const json = aizkraukleJson();
    json.rules[0].senders = ['schools'];
    expect(problemsOf(json)).toEqual([expect.stringMatching(/^rules\[0\] "school-social-problems"\.senders/)]);
  });
});

describe('the scheme in a running service', () => {
  it('is loaded from SCHEME_DIR at start, and a bad one stops start naming the entry', async () => {
    const { createDeps } = await import('../../src/deps');
    const { loadConfig } = await import('../../src/config');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sutne-scheme-'));
    const env = { SUTNE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const deps = await createDeps(loadConfig({ ...env, SCHEME_DIR: ozolkalniDir }));
    expect(deps.scheme.profile).toBe('ozolkalni');
    await deps.close();

    const badDir = path.join(dataDir, 'bad-profile');
    fs.mkdirSync(badDir);
    const json = aizkraukleJson();
    json.recipients[0].emails = [];
    fs.writeFileSync(path.join(badDir, 'scheme.json'), JSON.stringify(json));
    await expect(createDeps(loadConfig({ ...env, SCHEME_DIR: badDir }))).rejects.toThrow(
      /recipients\[0\] "social_service"\.emails: must list at least one e-mail address/,
    );
    fs.rmSync(dataDir, { recursive: true });
  });
});
