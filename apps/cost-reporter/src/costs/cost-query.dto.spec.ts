import { costQuerySchema } from './cost-query.dto';

describe('costQuerySchema', () => {
  it('accepts a grouping and an optional window', () => {
    const sut = costQuerySchema.parse({
      groupBy: 'team',
      from: '2026-11-01T00:00:00Z',
      to: '2026-12-01T00:00:00+01:00',
    });

    expect(sut).toEqual({
      groupBy: 'team',
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-30T23:00:00Z'),
    });
  });

  it.each([
    [{}, 'groupBy'],
    [{ groupBy: 'colour' }, 'groupBy'],
    [{ groupBy: ['team', 'service'] }, 'groupBy'],
    [{ groupBy: 'team', from: 'yesterday' }, 'from'],
    [{ groupBy: 'team', from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'to'],
  ])('names the bad parameter in %j', (query, parameter) => {
    const result = costQuerySchema.safeParse(query);

    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([parameter]);
  });

  it('rejects a parameter it does not know, such as a misspelt one', () => {
    const result = costQuerySchema.safeParse({ groupby: 'team' });

    expect(result.success).toBe(false);
  });
});
