import { waitFor, WaitForTimeoutError } from './wait-for';

describe(waitFor.name, () => {
  it('returns the first truthy value of the predicate', async () => {
    let calls = 0;

    const sut = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });

    expect(sut).toEqual({ calls: 3 });
  });

  it('keeps polling while the predicate throws or resolves falsy', async () => {
    let calls = 0;

    const sut = await waitFor(
      async () => {
        calls++;
        if (calls === 1) throw new Error('not connected yet');
        return calls >= 3;
      },
      { intervalMs: 1 },
    );

    expect(sut).toBe(true);
    expect(calls).toBe(3);
  });

  it('fails with the description and the last error after the timeout', async () => {
    const attempt = waitFor(
      () => {
        throw new Error('topic not found');
      },
      { timeoutMs: 100, intervalMs: 10, description: 'the topic to exist' },
    );

    await expect(attempt).rejects.toThrow(WaitForTimeoutError);
    await expect(attempt).rejects.toThrow(/after 100 ms waiting for the topic to exist .*last error: topic not found/);
  });

  it('cuts off a predicate that never settles at the deadline', async () => {
    const started = Date.now();

    await expect(waitFor(() => new Promise<boolean>(() => undefined), { timeoutMs: 100 })).rejects.toThrow(
      WaitForTimeoutError,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
