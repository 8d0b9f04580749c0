import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatErrors, loadPipeline } from '../src';

/**
 * Every `test/broken/*.yml` must fail to load with exactly the lines of its `.expected` sibling:
 * what a user sees in the terminal. `UPDATE_EXPECTED=1 npx jest broken-corpus` rewrites them
 * (then read the diff: each line is a promise to users).
 */
const dir = path.join(__dirname, 'broken');
const cases = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.yml'))
  .sort();

function load(file: string) {
  return loadPipeline({
    file,
    flavourDirs: ['flavours'],
    readFile: (name) => {
      const full = path.join(dir, name);
      return fs.existsSync(full) && fs.statSync(full).isFile() ? fs.readFileSync(full, 'utf8') : undefined;
    },
    listDir: (name) => (fs.existsSync(path.join(dir, name)) ? fs.readdirSync(path.join(dir, name)) : []),
  });
}

describe('the broken pipewright.yml corpus', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s reports exactly the expected errors', (name) => {
    const result = load(name);
    expect(result.ok).toBe(false);
    const actual = result.ok ? '' : formatErrors(result.errors) + '\n';
    const expectedFile = path.join(dir, name.replace(/\.yml$/, '.expected'));
    if (process.env.UPDATE_EXPECTED === '1') fs.writeFileSync(expectedFile, actual);
    expect(actual).toBe(fs.readFileSync(expectedFile, 'utf8'));
  });
});
