import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOutputs, readOutputFile } from './output-file';

describe(parseOutputs.name, () => {
  it('reads key=value lines; the value is everything after the first =, and later keys win', () => {
    const sut = parseOutputs('image=registry/app:1.2\nurl=http://x/?a=b\n\nimage=registry/app:1.3\n');

    expect(sut).toEqual({ outputs: { image: 'registry/app:1.3', url: 'http://x/?a=b' }, problems: [] });
  });

  it('reads multi-line values written as heredocs', () => {
    const sut = parseOutputs('notes<<EOF\nline 1\nline 2\nEOF\nafter=1\r\n');

    expect(sut.outputs).toEqual({ notes: 'line 1\nline 2', after: '1' });
  });

  it('reports bad lines with their line number and keeps the good ones', () => {
    const sut = parseOutputs('ok=1\nno equals sign\nbad key=2\nopen<<END\nnever closed');

    expect(sut.outputs).toEqual({ ok: '1' });
    expect(sut.problems).toEqual([
      'line 2: expected key=value',
      'line 3: "bad key" is not a valid output name',
      'line 4: no closing "END" for output "open"',
    ]);
  });

  it('treats __proto__ as an ordinary key', () => {
    const sut = parseOutputs('__proto__=x');

    expect(Object.getPrototypeOf(sut.outputs)).toBe(Object.prototype);
    expect(Object.keys(sut.outputs)).toEqual(['__proto__']);
  });
});

describe(readOutputFile.name, () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'output-file-spec-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('has no outputs when the file does not exist', async () => {
    await expect(readOutputFile(join(directory, 'missing'))).resolves.toEqual({ outputs: {}, problems: [] });
  });

  it('ignores a file larger than the limit', async () => {
    const path = join(directory, 'outputs');
    await writeFile(path, 'a=123456789\n');

    const sut = await readOutputFile(path, 8);

    expect(sut.outputs).toEqual({});
    expect(sut.problems).toEqual(['the file is larger than 8 bytes; no outputs were read']);
  });

  it('reads a file within the limit', async () => {
    const path = join(directory, 'outputs');
    await writeFile(path, 'a=1\n');

    await expect(readOutputFile(path, 4)).resolves.toEqual({ outputs: { a: '1' }, problems: [] });
  });
});
