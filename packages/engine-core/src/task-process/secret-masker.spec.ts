import { SecretMasker } from './secret-masker';

describe(SecretMasker.name, () => {
  it('replaces every occurrence of every secret with ***', () => {
    const sut = new SecretMasker(['hunter2', 'tok.en*']);

    expect(sut.mask('login hunter2 then hunter2 with tok.en* (not token)')).toBe(
      'login *** then *** with *** (not token)',
    );
  });

  it('prefers the longest secret where secrets overlap', () => {
    const sut = new SecretMasker(['abc', 'abcdef']);

    expect(sut.mask('xabcdefx abcx')).toBe('x***x ***x');
  });

  it('masks each line of a multi-line secret on its own', () => {
    const sut = new SecretMasker(['-----BEGIN KEY-----\r\nMIIEvQ\n\n-----END KEY-----\n']);

    expect(sut.mask('-----BEGIN KEY-----')).toBe('***');
    expect(sut.mask('MIIEvQ')).toBe('***');
    expect(sut.longest).toBe('-----BEGIN KEY-----'.length);
  });

  it('ignores empty secrets and leaves text alone without secrets', () => {
    const sut = new SecretMasker(['', '  ']);

    expect(sut.empty).toBe(true);
    expect(sut.mask('nothing to hide')).toBe('nothing to hide');
    expect(sut.occurrences('nothing')).toEqual([]);
  });

  it('reports occurrences exactly where mask replaces', () => {
    const sut = new SecretMasker(['ab']);

    expect(sut.occurrences('xabab')).toEqual([
      { start: 1, end: 3 },
      { start: 3, end: 5 },
    ]);
  });
});
