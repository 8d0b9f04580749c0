import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tailOfFile } from './log-tail';

describe(tailOfFile.name, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'log-tail-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps the last lines without blank ones', async () => {
    const file = join(dir, 'short.log');
    await writeFile(file, 'one\n\ntwo\r\nthree\n');

    expect(await tailOfFile(file, 2)).toBe('two\nthree');
  });

  it('drops the line cut off by the byte limit', async () => {
    const file = join(dir, 'long.log');
    await writeFile(file, `${'x'.repeat(100)}\nlast words\n`);

    expect(await tailOfFile(file, 20, 20)).toBe('last words');
  });

  it('is empty for a file that does not exist', async () => {
    expect(await tailOfFile(join(dir, 'missing.log'))).toBe('');
  });
});
