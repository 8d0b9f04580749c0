import { DomainError } from '@pipewright/service-runtime';
import type { PromotionRefusal } from './promotion-order';

/** A promotion against the component's path, or of a version that may go no further (409). */
export class PromotionRefused extends DomainError {
  constructor(
    target: { component: string; version: string; environment: string; path: readonly string[] },
    refusal: PromotionRefusal,
  ) {
    const { component, version, environment, path } = target;
    super(
      'promotion.conflict',
      `Version ${version} of ${component} cannot be promoted to ${environment}: ${why(target, refusal)}`,
      {
        details: { component, version, environment, path, ...refusal },
      },
    );
  }
}

function why(target: { component: string; path: readonly string[] }, refusal: PromotionRefusal): string {
  const path = `built -> ${target.path.join(' -> ')}`;
  switch (refusal.reason) {
    case 'failed':
      return 'the run that built it did not succeed';
    case 'rolled_back':
      return 'it was rolled back';
    case 'not_on_path':
      return `it is not a step of ${target.component}'s promotion path (${path})`;
    case 'step_missing':
      return `it has not reached ${refusal.missing} yet (path: ${path})`;
  }
}
