import { DomainError, formatYamlConfigProblem, type YamlConfigProblem } from '@pipewright/service-runtime';

/** One problem in the catalog file, where an editor can jump to it. */
export type CatalogProblem = YamlConfigProblem;

export const formatProblem = formatYamlConfigProblem;

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
