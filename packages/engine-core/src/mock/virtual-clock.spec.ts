import { VirtualClock } from './virtual-clock';

describe(VirtualClock.name, () => {
  it('jumps to each timer in time order, ties in the order they were set, without waiting', async () => {
    const sut = new VirtualClock();
    const fired: string[] = [];
    const started = Date.now();
    await Promise.all([
      sut.sleep(3_600_000).then(() => fired.push(`hour@${sut.now()}`)),
      sut.sleep(1000).then(() => fired.push(`a@${sut.now()}`)),
      sut.sleep(1000).then(() => fired.push(`b@${sut.now()}`)),
      sut.sleep(0).then(() => fired.push(`now@${sut.now()}`)),
    ]);
    expect(fired).toEqual(['now@0', 'a@1000', 'b@1000', 'hour@3600000']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('counts later sleeps from the time they were set', async () => {
    const sut = new VirtualClock();
    await sut.sleep(500);
    await sut.sleep(250);
    expect(sut.now()).toBe(750);
  });

  it('ends a sleep early, without moving time, when its signal aborts', async () => {
    const sut = new VirtualClock();
    const controller = new AbortController();
    const long = sut.sleep(10_000, controller.signal);
    controller.abort();
    await long;
    expect(sut.now()).toBe(0);
  });
});
