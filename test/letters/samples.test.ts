import fs from 'node:fs';
import path from 'node:path';
import { renderSamples } from '../../samples/render-samples';
import { letterSpecs, repoRoot } from './support/letter-fixtures';

describe('checked-in samples', () => {
  it('show every letter as the templates render it now (run `npm run samples` after a template change)', async () => {
    const samples = await renderSamples();
    expect(samples.map((s) => s.name)).toEqual(letterSpecs.map((s) => s.name));
    const stale = samples.filter((s) => {
      const file = path.join(repoRoot, 'samples', `${s.name}.txt`);
      return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== s.text;
    });
    expect(stale.map((s) => `samples/${s.name}.txt`)).toEqual([]);
  });
});
