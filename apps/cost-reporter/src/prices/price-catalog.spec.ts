import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRICE_CATALOG } from '../config/env';
import { loadPriceCatalog, parsePriceCatalog, PriceCatalog } from './price-catalog';
import { PriceCatalogInvalid } from './price-catalog.errors';

const FILE = '/etc/pipewright/prices.yml';

function problemsOf(text: string) {
  try {
    parsePriceCatalog(text, FILE);
  } catch (error) {
    if (error instanceof PriceCatalogInvalid) return error.details;
    throw error;
  }
  throw new Error('expected the catalog to be rejected');
}

describe(PriceCatalog.name, () => {
  it('prices a type and size per hour in micro-units', () => {
    const sut = parsePriceCatalog('currency: EUR\nprices:\n  process:\n    small: 0.05\n    large: 1.234567\n', FILE);

    expect(sut.currency).toBe('EUR');
    expect(sut.microsPerHour('process', 'small')).toBe(50_000);
    expect(sut.microsPerHour('process', 'large')).toBe(1_234_567);
  });

  it('has no price for an unknown type or size', () => {
    const sut = parsePriceCatalog('currency: USD\nprices:\n  process:\n    small: 0.05\n', FILE);

    expect(sut.microsPerHour('process', 'huge')).toBeUndefined();
    expect(sut.microsPerHour('vm', 'small')).toBeUndefined();
  });

  it('points at the line and column of a value of the wrong type', () => {
    const problems = problemsOf('currency: USD\nprices:\n  process:\n    small: cheap\n');

    expect(problems).toEqual([
      expect.objectContaining({ file: FILE, line: 4, column: 12, path: 'prices.process.small' }),
    ]);
    expect(problems[0]?.message).toMatch(/expected number/);
  });

  it('reports every problem at once, a negative price and a bad currency included', () => {
    const problems = problemsOf('currency: dollars\nprices:\n  process:\n    small: -1\n');

    expect(problems.map((p) => [p.line, p.column, p.path])).toEqual([
      [1, 11, 'currency'],
      [4, 12, 'prices.process.small'],
    ]);
  });

  it('points a missing key at the map that lacks it', () => {
    const problems = problemsOf('\n\nprices:\n  process:\n    small: 0.05\n');

    expect(problems).toEqual([expect.objectContaining({ line: 3, column: 1, path: 'currency' })]);
  });

  it('points an unknown key at the key itself', () => {
    const problems = problemsOf('currency: USD\nprices: {}\ndiscount: 0.1\n');

    expect(problems).toEqual([{ file: FILE, line: 3, column: 1, path: 'discount', message: 'unknown key' }]);
  });

  it('rejects more precision than a micro-unit', () => {
    const problems = problemsOf('currency: USD\nprices:\n  process:\n    small: 0.0000001\n');

    expect(problems).toEqual([
      expect.objectContaining({ line: 4, path: 'prices.process.small', message: 'must have at most 6 decimal places' }),
    ]);
  });

  it('reports YAML syntax errors and duplicate keys with their position', () => {
    expect(problemsOf('currency: USD\nprices:\n  process:\n    small: 0.05\n    small: 0.06\n')).toEqual([
      expect.objectContaining({ line: 5, column: 5, message: expect.stringMatching(/unique/i) }),
    ]);
    expect(problemsOf('currency: USD\nprices: [unclosed\n')[0]).toMatchObject({ file: FILE, line: 3 });
  });

  it('names the file, line and column in the error message', () => {
    expect(() => parsePriceCatalog('currency: usd\nprices: {}\n', FILE)).toThrow(
      `${FILE}:1:11: currency: must be an ISO 4217 code such as USD`,
    );
  });

  describe(loadPriceCatalog.name, () => {
    let dir: string;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'price-catalog-'));
    });

    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('loads the catalog shipped with the service', async () => {
      const sut = await loadPriceCatalog(DEFAULT_PRICE_CATALOG);

      expect(sut.microsPerHour('process', 'small')).toBe(50_000);
    });

    it('reads a file and names it in errors', async () => {
      const file = join(dir, 'prices.yml');
      await writeFile(file, 'currency: USD\nprices:\n  vm:\n    large: "2"\n');

      await expect(loadPriceCatalog(file)).rejects.toThrow(`${file}:4:12: prices.vm.large:`);
    });

    it('says when the file cannot be read', async () => {
      const file = join(dir, 'missing.yml');

      await expect(loadPriceCatalog(file)).rejects.toThrow(`${file}:1:1: cannot read file (ENOENT)`);
    });
  });
});
