import { topicPrefix, uniqueId } from './ids';

describe(uniqueId.name, () => {
  it('starts with the prefix and never repeats', () => {
    const ids = Array.from({ length: 1000 }, () => uniqueId('run-'));

    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => /^run-[a-z0-9]+$/.test(id))).toBe(true);
  });
});

describe(topicPrefix.name, () => {
  it('is a valid topic-name prefix, the same for the whole test file', () => {
    const sut = topicPrefix();

    expect(sut).toMatch(/^t[0-9a-f]{8}\.$/);
    expect(topicPrefix()).toBe(sut);
  });
});
