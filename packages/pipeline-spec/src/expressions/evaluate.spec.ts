import { evaluate, evaluateCondition, type ExpressionContext, interpolate, interpolateValue } from './evaluate';
import { ExpressionSyntaxError } from './parse-expression';

const context: ExpressionContext = {
  status: 'success',
  inputs: { replicas: 3, region: 'eu-west-1', verbose: false },
  run: { id: 'r-1', version: '1.4.0', revision: 'abc123', component: 'orders' },
  tasks: {
    build: { outcome: 'success', outputs: { version: '1.4.0', count: '3' } },
    'unit-test': { outcome: 'failure' },
  },
  stages: { commit: { outcome: 'success', tasks: { build: { outputs: { artifact: 'orders-1.4.0.tgz' } } } } },
  env: { HOME: '/home/ci' },
  secrets: { TOKEN: 's3cr3t' },
};

describe(evaluate.name, () => {
  it.each([
    ["tasks.build.outcome == 'success'", true],
    ["${{ tasks.build.outcome == 'success' }}", true],
    ["tasks.unit-test.outcome != 'success'", true],
    ['stages.commit.tasks.build.outputs.artifact', 'orders-1.4.0.tgz'],
    ["tasks['unit-test'].outcome", 'failure'],
    ['inputs.replicas', 3],
    ['run.version', '1.4.0'],
    ['secrets.TOKEN', 's3cr3t'],
    ['env.MISSING', null],
    ['tasks.nothing.outputs.x', null],
    ['tasks.build.outputs.count == 3', true],
    ['inputs.replicas > 2 && inputs.replicas <= 3', true],
    ["inputs.verbose || 'quiet'", 'quiet'],
    ['!inputs.verbose', true],
    ["(inputs.replicas == 3 || false) && !(run.id == 'x')", true],
    ["contains(run.revision, 'c12')", true],
    ["startsWith(inputs.region, 'eu-')", true],
    ["endsWith(inputs.region, '-2')", false],
    ["'it''s'", "it's"],
    ['-1 < 0', true],
    ['null == env.NOPE', true],
    ["true == 'true'", true],
  ])('%s is %p', (expression, expected) => {
    expect(evaluate(expression, context)).toEqual(expected);
  });

  it('answers the status functions from the run status so far', () => {
    expect(evaluate('success()', context)).toBe(true);
    expect(evaluate('failure()', { ...context, status: 'failure' })).toBe(true);
    expect(evaluate('cancelled()', { ...context, status: 'cancelled' })).toBe(true);
    expect(evaluate('always()', { status: 'failure' })).toBe(true);
    expect(evaluate('success()', {})).toBe(true);
  });

  it('never reaches the prototype of context objects', () => {
    expect(evaluate('tasks.constructor', context)).toBeNull();
    expect(evaluate("inputs['__proto__']", context)).toBeNull();
    expect(evaluate('run.toString', context)).toBeNull();
  });

  it('throws a syntax error with its position', () => {
    expect(() => evaluate("a = 'b'", context)).toThrow(ExpressionSyntaxError);
    try {
      evaluate('run.id ==', context);
    } catch (error) {
      expect(error).toMatchObject({ pos: 9, message: 'unexpected end of the expression; expected a value' });
    }
  });
});

describe(evaluateCondition.name, () => {
  it('uses truthiness: false, 0, empty and null are false', () => {
    expect(evaluateCondition('env.MISSING', context)).toBe(false);
    expect(evaluateCondition("''", context)).toBe(false);
    expect(evaluateCondition('0', context)).toBe(false);
    expect(evaluateCondition('run.id', context)).toBe(true);
  });
});

describe(interpolate.name, () => {
  it('replaces every template with its value as text', () => {
    expect(
      interpolate('deploy ${{ run.component }}@${{ run.version }} x${{ inputs.replicas }} ${{ env.NOPE }}!', context),
    ).toBe('deploy orders@1.4.0 x3 !');
  });

  it('does not evaluate templates that a value brings in', () => {
    expect(interpolate('${{ env.EVIL }}', { env: { EVIL: '${{ secrets.TOKEN }}' } })).toBe('${{ secrets.TOKEN }}');
  });
});

describe(interpolateValue.name, () => {
  it('keeps the type of a whole-string template and resolves nested values', () => {
    expect(
      interpolateValue({ replicas: '${{ inputs.replicas }}', args: ['--v=${{ run.version }}'], keep: true }, context),
    ).toEqual({
      replicas: 3,
      args: ['--v=1.4.0'],
      keep: true,
    });
  });
});
