import { chunks, firstById } from './batch-chunks';

describe(chunks.name, () => {
  it('splits in order, the last chunk holding the rest', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
    expect(() => chunks([1], 0)).toThrow('at least 1');
  });
});

describe(firstById.name, () => {
  it('keeps the first of each id, in order', () => {
    const sut = firstById(
      [
        { id: 'a', n: 1 },
        { id: 'b', n: 2 },
        { id: 'a', n: 3 },
      ],
      (m) => m.id,
    );

    expect(sut).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
    ]);
  });
});
