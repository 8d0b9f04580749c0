import type { LogLine } from '@pipewright/contracts';
import { linesAfter } from './log-forwarding.service';

const line = (seq: number, text = `line ${seq}`): LogLine => ({
  seq,
  time: '2026-11-22T10:00:00.000Z',
  stream: 'stdout',
  text,
});

describe(linesAfter.name, () => {
  it('keeps every line of a first batch, in seq order', () => {
    const sut = linesAfter([line(2), line(1), line(3)], 0);

    expect(sut.map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it('drops a batch that was already forwarded', () => {
    expect(linesAfter([line(1), line(2)], 2)).toEqual([]);
  });

  it('keeps only the new tail of a batch that overlaps the cursor', () => {
    const sut = linesAfter([line(3), line(4), line(5)], 3);

    expect(sut.map((l) => l.seq)).toEqual([4, 5]);
  });

  it('keeps the first of two lines claiming one position', () => {
    const sut = linesAfter([line(1, 'first'), line(1, 'second')], 0);

    expect(sut).toEqual([line(1, 'first')]);
  });
});
