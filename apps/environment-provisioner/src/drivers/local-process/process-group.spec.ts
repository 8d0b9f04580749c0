import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { isProcessGroupAlive, stopProcessGroup } from './process-group';

/**
 * A shell with a background child, in its own process group, like the driver starts environments.
 * Resolves once the script printed "ready", so a signal cannot overtake the script's own set-up (a trap).
 */
async function startGroup(script: string): Promise<number> {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  await once(child, 'spawn');
  if (script.includes('echo ready')) await once(child.stdout, 'data');
  child.stdout.destroy();
  child.unref();
  return child.pid!;
}

describe(stopProcessGroup.name, () => {
  it('stops the shell and what it started in the background with SIGTERM', async () => {
    const pgid = await startGroup('sleep 30 & sleep 30');
    expect(await isProcessGroupAlive(pgid)).toBe(true);

    const sut = await stopProcessGroup(pgid, 5_000);

    expect(sut).toBe('terminated');
    expect(await isProcessGroupAlive(pgid)).toBe(false);
  });

  it('kills a group that ignores SIGTERM once the grace period is over', async () => {
    const pgid = await startGroup('trap "" TERM; echo ready; sleep 30 & wait; sleep 30');

    const sut = await stopProcessGroup(pgid, 300);

    expect(sut).toBe('killed');
    expect(await isProcessGroupAlive(pgid)).toBe(false);
  });

  it('is a no-op for a group that is already gone', async () => {
    const pgid = await startGroup('exit 0');
    await stopProcessGroup(pgid, 1_000);

    await expect(stopProcessGroup(pgid, 1_000)).resolves.toBe('gone');
  });

  it('refuses to signal every process of the session or the machine', async () => {
    await expect(stopProcessGroup(0, 1_000)).rejects.toThrow('refusing to signal process group 0');
    await expect(stopProcessGroup(1, 1_000)).rejects.toThrow('refusing to signal process group 1');
  });
});
