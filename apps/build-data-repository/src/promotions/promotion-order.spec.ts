import { DEFAULT_PROMOTION_PATH, refusalOf, type PromotionFacts } from './promotion-order';

describe(refusalOf.name, () => {
  const facts = (reached: string[], stopped: PromotionFacts['stopped'] = null): PromotionFacts => ({
    path: DEFAULT_PROMOTION_PATH,
    reached: new Set(reached),
    stopped,
  });

  it('lets a built version take the first step, and each next step once the one before is reached', () => {
    expect(refusalOf('passed-test', facts([]))).toBeNull();
    expect(refusalOf('qa', facts(['passed-test']))).toBeNull();
    expect(refusalOf('production', facts(['passed-test', 'qa']))).toBeNull();
  });

  it('names the step a skip leaves out', () => {
    expect(refusalOf('qa', facts([]))).toEqual({ reason: 'step_missing', missing: 'passed-test' });
    expect(refusalOf('production', facts(['passed-test']))).toEqual({ reason: 'step_missing', missing: 'qa' });
  });

  it('allows promoting again to a step reached, or to an earlier one', () => {
    expect(refusalOf('qa', facts(['passed-test', 'qa', 'production']))).toBeNull();
    expect(refusalOf('passed-test', facts(['passed-test', 'qa']))).toBeNull();
  });

  it('refuses an environment off the path, and any promotion of a failed or rolled-back version', () => {
    expect(refusalOf('staging', facts(['passed-test', 'qa']))).toEqual({ reason: 'not_on_path' });
    expect(refusalOf('passed-test', facts([], 'failed'))).toEqual({ reason: 'failed' });
    expect(refusalOf('production', facts(['passed-test', 'qa'], 'rolled_back'))).toEqual({ reason: 'rolled_back' });
  });

  it('follows the component’s own path', () => {
    const path = ['integration', 'production'];

    expect(refusalOf('integration', { path, reached: new Set(), stopped: null })).toBeNull();
    expect(refusalOf('qa', { path, reached: new Set(), stopped: null })).toEqual({ reason: 'not_on_path' });
  });
});
