import type { LogLine } from '@pipewright/contracts';
import { TaskLogPublisher, type UnnumberedLogLine } from './task-log-publisher';

const line = (text: string, stream: UnnumberedLogLine['stream'] = 'stdout'): UnnumberedLogLine => ({
  stream,
  text,
  time: '2026-11-22T10:00:00.000Z',
});

describe(TaskLogPublisher.name, () => {
  let batches: LogLine[][];
  const send = async (lines: LogLine[]) => {
    batches.push(lines);
  };
  beforeEach(() => {
    batches = [];
  });

  it('numbers lines from 1 and sends a batch every maxLines lines', async () => {
    const sut = new TaskLogPublisher({ send, onDropped: jest.fn(), maxLines: 2, maxDelayMs: 60_000 });

    for (const text of ['a', 'b', 'c']) await sut.add(line(text, text === 'b' ? 'stderr' : 'stdout'));
    await sut.close();

    expect(batches.map((b) => b.map((l) => [l.seq, l.stream, l.text]))).toEqual([
      [
        [1, 'stdout', 'a'],
        [2, 'stderr', 'b'],
      ],
      [[3, 'stdout', 'c']],
    ]);
    expect(sut.lines).toBe(3);
  });

  it('sends what is waiting after maxDelayMs without more lines', async () => {
    const sut = new TaskLogPublisher({ send, onDropped: jest.fn(), maxLines: 100, maxDelayMs: 20 });

    await sut.add(line('lonely'));
    const deadline = Date.now() + 5_000;
    while (batches.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));

    expect(batches).toEqual([[expect.objectContaining({ seq: 1, text: 'lonely' })]]);
    await sut.close();
  });

  it('starts a new batch before the waiting text would exceed maxChars', async () => {
    const sut = new TaskLogPublisher({ send, onDropped: jest.fn(), maxChars: 10, maxDelayMs: 60_000 });

    await sut.add(line('123456'));
    await sut.add(line('789012'));
    await sut.close();

    expect(batches.map((b) => b.map((l) => l.text))).toEqual([['123456'], ['789012']]);
  });

  it('keeps one batch in flight while the next fills, and makes the producer wait beyond that', async () => {
    const releases: (() => void)[] = [];
    const slowSend = (lines: LogLine[]) =>
      new Promise<void>((resolve) => {
        batches.push(lines);
        releases.push(resolve);
      });
    const sut = new TaskLogPublisher({ send: slowSend, onDropped: jest.fn(), maxLines: 1, maxDelayMs: 60_000 });

    await sut.add(line('first')); // sent; nothing was in flight before it
    await Promise.resolve();
    const second = sut.add(line('second')); // waits for the first batch
    let secondDone = false;
    void second?.then(() => (secondDone = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(secondDone).toBe(false);

    releases[0]!();
    await second;
    const closing = sut.close();
    await new Promise((r) => setTimeout(r, 0));
    releases[1]!();
    await closing;
    expect(batches.map((b) => b[0]!.text)).toEqual(['first', 'second']);
  });

  it('drops a batch that cannot be sent, reports it, and goes on', async () => {
    const onDropped = jest.fn();
    let fail = true;
    const flaky = async (lines: LogLine[]) => {
      if (fail) {
        fail = false;
        throw new Error('broker down');
      }
      batches.push(lines);
    };
    const sut = new TaskLogPublisher({ send: flaky, onDropped, maxLines: 1, maxDelayMs: 60_000 });

    await sut.add(line('lost'));
    await sut.add(line('kept'));
    await sut.close();

    expect(onDropped).toHaveBeenCalledWith(new Error('broker down'), 1);
    expect(sut.droppedLines).toBe(1);
    expect(batches).toEqual([[expect.objectContaining({ seq: 2, text: 'kept' })]]);
  });
});
