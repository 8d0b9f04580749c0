import { analyzeExpression } from './analyze-expression';
import { ExpressionSyntaxError, parseExpression } from './parse-expression';
import { conditionSource, findTemplates } from './templates';

describe(parseExpression.name, () => {
  it.each([
    ["a = 'b'", 2, 'unexpected "="; did you mean "=="?'],
    ['a & b', 2, 'unexpected "&"; did you mean "&&"?'],
    ["'open", 0, "unterminated string: expected a closing '"],
    ['(a', 2, 'expected ")" to close "(", found the end of the expression'],
    ['a b', 2, 'unexpected "b"; expected an operator or the end'],
    ['a.', 2, 'expected a property name after "."'],
    ['', 0, 'empty expression'],
    ['a # b', 2, 'unexpected character "#"'],
  ])('rejects %p at %p: %s', (source, pos, message) => {
    let thrown: unknown;
    try {
      parseExpression(source);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ExpressionSyntaxError);
    expect(thrown).toMatchObject({ pos, message });
  });

  it('reads property names that start with a digit or hold dashes', () => {
    expect(parseExpression('stages.1st.tasks.unit-test')).toMatchObject({ type: 'member', property: 'unit-test' });
  });
});

describe(analyzeExpression.name, () => {
  it('lists references with the literals they are compared with, and status functions', () => {
    const sut = analyzeExpression(
      parseExpression("failure() || tasks.build.outcome == 'success' && contains(env.X, inputs.y)"),
    );
    expect(sut.usesStatus).toBe(true);
    expect(sut.references.map((r) => r.path.map((p) => p.name).join('.'))).toEqual([
      'tasks.build.outcome',
      'env.X',
      'inputs.y',
    ]);
    expect(sut.references[0]?.comparedWith).toEqual({ value: 'success', pos: 36 });
  });

  it('reports unknown functions and wrong argument counts', () => {
    expect(analyzeExpression(parseExpression('startswith(a, b) || always(1)')).problems).toEqual([
      { message: 'unknown function "startswith()"; did you mean "startsWith"?', pos: 0 },
      { message: 'always() takes 0 arguments, not 1', pos: 20 },
    ]);
  });
});

describe(findTemplates.name, () => {
  it('finds each ${{ }} with its offsets, not closing on }} inside a string', () => {
    expect(findTemplates("a ${{ x }} b ${{ 'y}}' }}")).toEqual([
      { source: 'x', start: 2, end: 10, sourceStart: 6 },
      { source: "'y}}'", start: 13, end: 25, sourceStart: 17 },
    ]);
  });

  it('reads a condition with or without braces', () => {
    expect(conditionSource('${{ failure() }}')).toEqual({ source: 'failure()', offset: 4 });
    expect(conditionSource('  failure()')).toEqual({ source: 'failure()', offset: 2 });
    expect(() => conditionSource('x ${{ failure() }}')).toThrow(ExpressionSyntaxError);
  });
});
