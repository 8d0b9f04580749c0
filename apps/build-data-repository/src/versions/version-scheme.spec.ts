import { semverPatternSchema, seriesFor, seriesSql, versionSql } from './version-scheme';

describe(versionSql.name, () => {
  it('numbers the counter by the ordinal and a semver pattern’s <n> from 0', () => {
    expect(versionSql('c.last', '$3', '$4')).toBe(
      "CASE $3 WHEN 'counter' THEN (c.last)::text ELSE replace($4, '<n>', (c.last - 1)::text) END",
    );
  });
});

describe(seriesFor.name, () => {
  it('gives each semver pattern a series of its own and the counter one series', () => {
    expect(seriesFor({ versionScheme: 'counter', versionPattern: null })).toBe('');
    expect(seriesFor({ versionScheme: 'semver', versionPattern: '2.4.<n>' })).toBe('2.4.<n>');
    expect(seriesFor({ versionScheme: 'semver', versionPattern: '2.5.<n>' })).toBe('2.5.<n>');
  });
});

describe(seriesSql.name, () => {
  it('is seriesFor in SQL: the counter one series, each semver pattern its own', () => {
    expect(seriesSql('c.version_scheme', 'c.version_pattern')).toBe(
      "CASE c.version_scheme WHEN 'counter' THEN '' ELSE c.version_pattern END",
    );
  });
});

describe('semverPatternSchema', () => {
  it('accepts three numeric parts with one <n>', () => {
    for (const ok of ['2.4.<n>', '<n>.0.0', '1.<n>.7', '0.0.<n>']) expect(semverPatternSchema.parse(ok)).toBe(ok);
  });

  it('rejects anything else', () => {
    for (const bad of ['2.4', '2.4.5', '<n>.<n>.0', '02.4.<n>', '2.4.<n>-rc', 'v2.4.<n>', '2.x.<n>']) {
      expect(semverPatternSchema.safeParse(bad).success).toBe(false);
    }
  });
});
