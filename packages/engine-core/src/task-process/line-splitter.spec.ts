import { LineSplitter, MAX_LINE_LENGTH } from './line-splitter';
import { SecretMasker } from './secret-masker';

function splitAll(sut: LineSplitter, chunks: (string | Buffer)[]): string[] {
  return [...chunks.flatMap((chunk) => sut.push(chunk)), ...sut.end()];
}

describe(LineSplitter.name, () => {
  it('splits chunks into lines, joining lines that span chunks', () => {
    const sut = new LineSplitter();

    expect(sut.push('one\ntw')).toEqual(['one']);
    expect(sut.push('o\nthree\n\nfo')).toEqual(['two', 'three', '']);
    expect(sut.end()).toEqual(['fo']);
  });

  it('drops the \\r of \\r\\n line ends, also when \\r and \\n arrive in different chunks', () => {
    const sut = new LineSplitter();

    expect(splitAll(sut, ['a\r\nb\r', '\nc'])).toEqual(['a', 'b', 'c']);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('grüße\n', 'utf8');
    const sut = new LineSplitter();

    expect(splitAll(sut, [bytes.subarray(0, 3), bytes.subarray(3)])).toEqual(['grüße']);
  });

  it('emits no line for an empty stream or a stream ending with a newline', () => {
    expect(splitAll(new LineSplitter(), [])).toEqual([]);
    expect(splitAll(new LineSplitter(), ['a\n'])).toEqual(['a']);
  });

  it(`caps lines at ${MAX_LINE_LENGTH} characters by splitting them into pieces as they arrive`, () => {
    const sut = new LineSplitter();
    const long = 'x'.repeat(MAX_LINE_LENGTH * 2 + 5);

    const early = sut.push(long);
    const lines = [...early, ...sut.push('\nnext\n'), ...sut.end()];

    expect(early).toEqual(['x'.repeat(MAX_LINE_LENGTH), 'x'.repeat(MAX_LINE_LENGTH)]);
    expect(lines).toEqual(['x'.repeat(MAX_LINE_LENGTH), 'x'.repeat(MAX_LINE_LENGTH), 'xxxxx', 'next']);
  });

  it('emits no empty piece when a long line ends exactly at a piece boundary', () => {
    const sut = new LineSplitter({ maxLength: 4 });

    expect(splitAll(sut, ['abcdefgh', '\nz'])).toEqual(['abcd', 'efgh', 'z']);
  });

  it('masks secrets, and never cuts a secret in two when splitting a long line', () => {
    const sut = new LineSplitter({ maxLength: 10, masker: new SecretMasker(['SECRET']) });

    const lines = splitAll(sut, ['12345678SEC', 'RET90 and SECRET\n']);

    expect(lines.join('')).toBe('12345678***90 and ***');
    expect(lines.every((line) => line.length <= 10)).toBe(true);
    expect(lines.join('\n')).not.toMatch(/SEC|CRET/);
  });

  it('does not break a surrogate pair at a piece boundary', () => {
    const sut = new LineSplitter({ maxLength: 4 });

    expect(splitAll(sut, ['abc😀d\n'])).toEqual(['abc', '😀d']);
  });
});
