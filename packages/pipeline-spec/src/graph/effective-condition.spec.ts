import { effectiveCondition } from './effective-condition';

describe(effectiveCondition.name, () => {
  it('gives each section its rule when a task has no condition', () => {
    expect(effectiveCondition('first')).toBe('always()');
    expect(effectiveCondition('main')).toBe('success()');
    expect(effectiveCondition('last')).toBe('always()');
  });

  it('adds a plain condition to the section rule, and lets a status function decide alone', () => {
    expect(effectiveCondition('main', "inputs.env == 'prod'")).toBe("success() && (inputs.env == 'prod')");
    expect(effectiveCondition('last', 'failure()')).toBe('failure()');
    expect(effectiveCondition('main', 'always() && run.id')).toBe('always() && run.id');
  });
});
