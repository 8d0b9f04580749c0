import { DomainError } from '@pipewright/service-runtime';

/** One problem in the catalog file, where an editor can jump to it. */
export interface CatalogProblem {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Dotted path of the offending value, e.g. `prices.process.small`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(problem: CatalogProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** The price catalog cannot be read or does not match its schema; the service does not start with it. */
export class PriceCatalogInvalid extends DomainError {
  declare readonly details: readonly CatalogProblem[];

  constructor(problems: readonly CatalogProblem[], cause?: unknown) {
    super(
      'price_catalog.invalid',
      `Invalid price catalog:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
      {
        details: problems,
        cause,
      },
    );
  }
}
