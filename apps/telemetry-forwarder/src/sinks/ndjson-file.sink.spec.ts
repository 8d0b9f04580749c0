import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogLines } from '@pipewright/contracts';
import { NdjsonFileSink } from './ndjson-file.sink';

const batch: LogLines = {
  runId: 'run-1',
  taskRunId: 'task-run-1',
  taskName: 'unit-tests',
  stage: 'build',
  component: 'shop',
  team: 'team-a',
  lines: [
    { seq: 1, time: '2026-11-22T10:00:00.000Z', stream: 'stdout', text: 'compiling' },
    { seq: 2, time: '2026-11-22T10:00:01.000Z', stream: 'stderr', text: 'warning: "quoted"\nnext' },
  ],
};

describe(NdjsonFileSink.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ndjson-sink-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one JSON object per line, readable as soon as logLines resolves', async () => {
    const path = join(dir, 'nested', 'logs.ndjson');
    const sut = new NdjsonFileSink(path);

    await sut.logLines(batch, batch.lines);

    const records = (await readFile(path, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(records).toEqual([
      {
        time: '2026-11-22T10:00:00.000Z',
        runId: 'run-1',
        taskRunId: 'task-run-1',
        taskName: 'unit-tests',
        stage: 'build',
        component: 'shop',
        team: 'team-a',
        stream: 'stdout',
        seq: 1,
        text: 'compiling',
      },
      expect.objectContaining({ seq: 2, stream: 'stderr', text: 'warning: "quoted"\nnext' }),
    ]);
    await sut.onApplicationShutdown();
  });

  it('keeps what the file already holds', async () => {
    const path = join(dir, 'logs.ndjson');
    await writeFile(path, '{"earlier":true}\n');
    const sut = new NdjsonFileSink(path);

    await sut.logLines(batch, batch.lines.slice(0, 1));
    await sut.onApplicationShutdown();

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('{"earlier":true}');
  });

  it('rejects when the file cannot be written, so the message is retried', async () => {
    const sut = new NdjsonFileSink(dir); // a directory cannot be opened for appending

    await expect(sut.logLines(batch, batch.lines)).rejects.toThrow(/EISDIR/);
  });
});
