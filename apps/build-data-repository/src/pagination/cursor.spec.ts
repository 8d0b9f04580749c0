import { z } from 'zod';
import { cursorSchema, encodeCursor, limitSchema, toPage } from './cursor';

describe(cursorSchema.name, () => {
  const sut = cursorSchema(z.tuple([z.string(), z.number()]));

  it('reads back the key a page handed out', () => {
    expect(sut.parse(encodeCursor(['2026-11-22 10:00:00+00', 7]))).toEqual(['2026-11-22 10:00:00+00', 7]);
  });

  it('rejects anything else with an issue a person can act on', () => {
    for (const bad of ['not-base64-json', encodeCursor(['only one']), encodeCursor({ a: 1 } as never)]) {
      const result = sut.safeParse(bad);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toContain('pass nextCursor back');
    }
  });
});

describe('limitSchema', () => {
  it('defaults to 50 and accepts 1 to 200 from a query string', () => {
    expect(limitSchema.parse(undefined)).toBe(50);
    expect(limitSchema.parse('200')).toBe(200);
    expect(limitSchema.safeParse('0').success).toBe(false);
    expect(limitSchema.safeParse('201').success).toBe(false);
    expect(limitSchema.safeParse('1.5').success).toBe(false);
  });
});

describe(toPage.name, () => {
  const keyOf = (n: number) => [n];
  const map = (n: number) => ({ n });

  it('hands out a cursor only when the extra row says there is more', () => {
    expect(toPage([1, 2, 3], 2, keyOf, map)).toEqual({ items: [{ n: 1 }, { n: 2 }], nextCursor: encodeCursor([2]) });
    expect(toPage([1, 2], 2, keyOf, map)).toEqual({ items: [{ n: 1 }, { n: 2 }], nextCursor: null });
    expect(toPage([], 2, keyOf, map)).toEqual({ items: [], nextCursor: null });
  });
});
