import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { MAX_LINE_LENGTH } from './line-splitter';
import { runTaskProcess, type TaskOutputLine, type TaskProcessOptions } from './run-task-process';

/** Runs a command and collects its lines. */
async function run(command: string, options: Partial<TaskProcessOptions> = {}) {
  const lines: TaskOutputLine[] = [];
  const result = await runTaskProcess({
    command,
    cwd: tmpdir(),
    env: { PATH: process.env.PATH },
    timeoutMs: 10_000,
    onLine: (line) => void lines.push(line),
    ...options,
  });
  const texts = (stream: 'stdout' | 'stderr') => lines.filter((l) => l.stream === stream).map((l) => l.text);
  return { result, lines, stdout: texts('stdout'), stderr: texts('stderr') };
}

/** Whether a process still runs. A zombie (exited, not yet reaped by PID 1) has stopped running. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  const state = readFileSync(stat, 'utf8').split(') ')[1]?.[0];
  return state !== 'Z' && state !== 'X';
}

describe(runTaskProcess.name, () => {
  it('succeeds with exit code 0', async () => {
    const { result, stdout } = await run('echo hello');

    expect(result).toMatchObject({ exitCode: 0, signal: null, outcome: 'success', timedOut: false, outputs: {} });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(stdout).toEqual(['hello']);
  });

  it('fails with the exit code of the command', async () => {
    const { result } = await run('exit 3');

    expect(result).toMatchObject({ exitCode: 3, outcome: 'failure', timedOut: false });
  });

  it('streams both streams line by line, in order per stream, with times', async () => {
    const { stdout, stderr, lines } = await run(
      'for i in 1 2 3; do echo "out $i"; echo "err $i" >&2; done; printf "partial"',
    );

    expect(stdout).toEqual(['out 1', 'out 2', 'out 3', 'partial']);
    expect(stderr).toEqual(['err 1', 'err 2', 'err 3']);
    expect(lines.every((l) => !Number.isNaN(Date.parse(l.time)))).toBe(true);
  });

  it('keeps the final line that has no newline', async () => {
    const { stdout } = await run('printf "first\\nlast without newline"');

    expect(stdout).toEqual(['first', 'last without newline']);
  });

  it('runs in cwd with exactly the given environment', async () => {
    const { stdout } = await run('pwd; echo "$GREETING/${HOME:-no home}"', {
      cwd: '/',
      env: { PATH: process.env.PATH, GREETING: 'hi' },
    });

    expect(stdout).toEqual(['/', 'hi/no home']);
  });

  it('reads the outputs the task writes to $PIPEWRIGHT_OUTPUT and removes the file afterwards', async () => {
    const { result, stdout } = await run(
      'echo "$PIPEWRIGHT_OUTPUT"; echo "image=app:1.2.3" >> "$PIPEWRIGHT_OUTPUT"; printf "notes<<EOF\\na\\nb\\nEOF\\n" >> "$PIPEWRIGHT_OUTPUT"',
    );

    expect(result.outputs).toEqual({ image: 'app:1.2.3', notes: 'a\nb' });
    const file = stdout[0]!;
    expect(file).toMatch(/pipewright-task-/);
    expect(existsSync(file)).toBe(false);
  });

  it('reports malformed output lines in the log', async () => {
    const { result, stderr } = await run('echo "not an output" >> "$PIPEWRIGHT_OUTPUT"');

    expect(result.outcome).toBe('success');
    expect(stderr).toEqual(['pipewright: PIPEWRIGHT_OUTPUT: line 1: expected key=value']);
  });

  it('masks secrets in every line of both streams', async () => {
    const { stdout, stderr } = await run('echo "token=$TOKEN"; echo "again $TOKEN!" >&2', {
      env: { PATH: process.env.PATH, TOKEN: 's3cr3t-value' },
      secrets: ['s3cr3t-value'],
    });

    expect(stdout).toEqual(['token=***']);
    expect(stderr).toEqual(['again ***!']);
  });

  it('on timeout kills the whole process group, grandchildren included', async () => {
    const { result, stdout } = await run('sleep 100 & echo $!; sleep 100', { timeoutMs: 500, killGraceMs: 2_000 });

    expect(result).toMatchObject({ outcome: 'failure', timedOut: true, exitCode: null, signal: 'SIGTERM' });
    const grandchild = Number(stdout[0]);
    expect(grandchild).toBeGreaterThan(0);
    expect(running(grandchild)).toBe(false);
  });

  it('sends SIGKILL when the group ignores SIGTERM for longer than the grace period', async () => {
    const { result } = await run("trap '' TERM; sleep 100 & sleep 100", { timeoutMs: 300, killGraceMs: 300 });

    expect(result).toMatchObject({ outcome: 'failure', timedOut: true, signal: 'SIGKILL' });
  });

  it('terminates background processes a finished task left behind', async () => {
    const { result, stdout } = await run('sleep 100 & echo $!', { killGraceMs: 2_000 });

    expect(result.outcome).toBe('success');
    expect(running(Number(stdout[0]))).toBe(false);
  });

  it('cancels when the signal aborts', async () => {
    const controller = new AbortController();
    const { result } = await run('echo started; sleep 100', {
      signal: controller.signal,
      onLine: () => controller.abort(),
    });

    expect(result).toMatchObject({ outcome: 'cancel', timedOut: false, signal: 'SIGTERM' });
  });

  it('does not start when the signal is already aborted', async () => {
    const { result, lines } = await run('echo never', { signal: AbortSignal.abort() });

    expect(result.outcome).toBe('cancel');
    expect(lines).toEqual([]);
  });

  it('is an error, not a failure, when the task cannot be started', async () => {
    const { result } = await run('echo never', { cwd: '/does/not/exist' });

    expect(result.outcome).toBe('error');
    expect(result.error?.message).toMatch(/ENOENT/);
  });

  it('stops the task with outcome error when onLine throws', async () => {
    const { result } = await run('echo one; sleep 100', {
      onLine: () => {
        throw new Error('log sink down');
      },
    });

    expect(result.outcome).toBe('error');
    expect(result.error?.message).toBe('log sink down');
  });

  it('waits for a slow onLine instead of buffering output (backpressure)', async () => {
    const seen: string[] = [];
    const { result } = await run('for i in 1 2 3 4 5; do echo $i; done', {
      onLine: async (line) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        seen.push(line.text);
      },
    });

    expect(result.outcome).toBe('success');
    expect(seen).toEqual(['1', '2', '3', '4', '5']);
  });

  it('streams 10 MB of output without holding it: every line arrives, none is kept', async () => {
    let count = 0;
    let bytes = 0;
    const line = 'x'.repeat(99); // 100 bytes with the newline: 104 857 lines make 10 MiB
    const result = await runTaskProcess({
      command: `yes ${line} | head -n 104857`,
      cwd: tmpdir(),
      env: { PATH: process.env.PATH },
      timeoutMs: 30_000,
      onLine: ({ text }) => {
        count++;
        bytes += text.length + 1;
      },
    });

    expect(result.outcome).toBe('success');
    expect(count).toBe(104_857);
    expect(bytes).toBe(104_857 * 100);
  });

  it(`splits a 10 MB line without newlines into pieces of ${MAX_LINE_LENGTH} characters as it arrives`, async () => {
    const lengths: number[] = [];
    const result = await runTaskProcess({
      command: 'head -c 10485760 /dev/zero | tr "\\0" "a"',
      cwd: tmpdir(),
      env: { PATH: process.env.PATH },
      timeoutMs: 30_000,
      onLine: ({ text }) => void lengths.push(text.length),
    });

    expect(result.outcome).toBe('success');
    expect(lengths).toHaveLength(10_485_760 / MAX_LINE_LENGTH);
    expect(lengths.every((length) => length === MAX_LINE_LENGTH)).toBe(true);
  });
});
