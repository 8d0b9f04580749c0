import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 50;
/** After SIGKILL the kernel needs only a moment; longer means something is badly wrong. */
const AFTER_KILL_MS = 5_000;

/**
 * Whether any process of the group still runs. Zombies do not count: an orphaned member is reaped by
 * PID 1, which in containers (or sandboxes) may take seconds or never happen, yet it no longer runs.
 */
export async function isProcessGroupAlive(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  return (await groupMembersStates(pgid)).some((state) => state !== 'Z' && state !== 'X');
}

/**
 * SIGTERM to the whole group, SIGKILL to whatever is left after `graceMs`; resolves when nothing of the
 * group runs any more. Resolves at once for a group that is already gone.
 */
export async function stopProcessGroup(pgid: number, graceMs: number): Promise<'gone' | 'terminated' | 'killed'> {
  if (!(await isProcessGroupAlive(pgid))) return 'gone';
  signalGroup(pgid, 'SIGTERM');
  if (await waitUntilGone(pgid, graceMs)) return 'terminated';
  signalGroup(pgid, 'SIGKILL');
  if (await waitUntilGone(pgid, AFTER_KILL_MS)) return 'killed';
  throw new Error(`process group ${pgid} still runs ${AFTER_KILL_MS} ms after SIGKILL`);
}

async function waitUntilGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await isProcessGroupAlive(pgid))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

/** kill(-pgid, signal); false when no such group exists. EPERM means it exists but is not ours: it counts as alive. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`refusing to signal process group ${pgid}`);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true;
    throw error;
  }
}

/** The state letters (`R`, `S`, `Z`, ...) of every process in the group, from /proc. */
async function groupMembersStates(pgid: number): Promise<string[]> {
  const states: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state) states.push(state);
  }
  return states;
}
