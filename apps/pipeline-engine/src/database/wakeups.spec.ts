import { Wakeups } from './wakeups';

describe(Wakeups.name, () => {
  it('wakes a sleeper subscribed to the key', async () => {
    const sut = new Wakeups();
    const subscription = sut.subscribe('env-1');

    const sleeping = subscription.sleep(60_000);
    sut.notify('env-2');
    sut.notify('env-1');

    await expect(sleeping).resolves.toBeUndefined();
    subscription.close();
    expect(sut.size).toBe(0);
  });

  it('does not lose a wake-up that came between subscribing and sleeping', async () => {
    const sut = new Wakeups();
    const subscription = sut.subscribe('env-1');

    sut.notify('env-1');

    await expect(subscription.sleep(60_000)).resolves.toBeUndefined();
    subscription.close();
  });

  it('stops sleeping after the time given, or when the signal aborts', async () => {
    const sut = new Wakeups();
    const subscription = sut.subscribe('env-1');
    const controller = new AbortController();

    await subscription.sleep(5);
    const aborted = subscription.sleep(60_000, controller.signal);
    controller.abort();

    await expect(aborted).resolves.toBeUndefined();
    subscription.close();
  });
});
