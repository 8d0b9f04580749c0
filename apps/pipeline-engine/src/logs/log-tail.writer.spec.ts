import type { LogLine } from '@pipewright/contracts';
import { TaskLogTail } from './log-tail.writer';

const line = (seq: number): LogLine => ({
  seq,
  time: '2026-01-01T00:00:00.000Z',
  stream: 'stdout',
  text: `line ${seq}`,
});
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));

describe(TaskLogTail.name, () => {
  it('collapses batches that arrive while a write is in flight into one write of the last lines', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const firstWrite = new Promise<void>((resolve) => (release = resolve));
    const sut = new TaskLogTail(
      5,
      async (batch) => {
        writes.push(batch.map((l) => l.seq));
        if (writes.length === 1) await firstWrite;
      },
      0,
    );

    sut.add(lines(1, 3));
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The first write hangs: these wait, and only the last 5 of them are kept.
    sut.add(lines(4, 6));
    sut.add(lines(7, 12));
    release();
    await sut.close();

    expect(writes).toEqual([
      [1, 2, 3],
      [8, 9, 10, 11, 12],
    ]);
  });

  it('writes what is waiting on close without waiting for the interval', async () => {
    const writes: number[][] = [];
    const sut = new TaskLogTail(
      100,
      (batch) => {
        writes.push(batch.map((l) => l.seq));
        return writes.length === 1
          ? Promise.reject(new Error('database down')).catch(() => undefined)
          : Promise.resolve();
      },
      60_000,
    );

    sut.add(lines(1, 2));
    await new Promise((resolve) => setTimeout(resolve, 5));
    sut.add(lines(3, 4));
    const started = Date.now();
    await sut.close();

    expect(writes).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
