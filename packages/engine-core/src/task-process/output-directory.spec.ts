import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type * as RunTaskProcessModule from './run-task-process';

describe('the output file directory', () => {
  it('is one private directory per process; the first task removes those of processes that are gone', async () => {
    const gone = spawnSync('true').pid;
    const stale = join(tmpdir(), `pipewright-task-${gone}-spec`);
    mkdirSync(stale, { recursive: true });
    let sut: typeof RunTaskProcessModule | undefined;
    jest.isolateModules(() => {
      sut = jest.requireActual<typeof RunTaskProcessModule>('./run-task-process');
    });
    const paths: string[] = [];
    for (let i = 0; i < 2; i++)
      await sut!.runTaskProcess({
        command: 'echo "$PIPEWRIGHT_OUTPUT"',
        cwd: tmpdir(),
        env: { PATH: process.env.PATH },
        timeoutMs: 10_000,
        onLine: ({ text }) => void paths.push(text),
      });
    try {
      expect(existsSync(stale)).toBe(false);
      expect(dirname(paths[0]!)).toBe(dirname(paths[1]!));
      expect(paths[0]).not.toBe(paths[1]);
      expect(dirname(paths[0]!)).toMatch(new RegExp(`pipewright-task-${process.pid}-`));
    } finally {
      rmSync(stale, { recursive: true, force: true });
    }
  });
});
