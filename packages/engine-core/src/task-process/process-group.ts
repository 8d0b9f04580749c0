import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 50;

/**
 * The process group a task runs in (the task's shell is its leader, spawned `detached`). Signals
 * go to the whole group, so whatever the task started (`sleep 100 &`, a dev server, a test
 * runner's workers) stops with it.
 */
export class ProcessGroup {
  private termination?: Promise<void>;

  constructor(
    readonly pgid: number,
    private readonly graceMs: number,
  ) {}

  /** Sends a signal to every process in the group; false when the group is gone. */
  signal(signal: NodeJS.Signals | 0): boolean {
    // "Gone" is the common answer (every task's group is probed when its shell exits) and comes as an
    // exception; without a stack trace to capture it costs a fraction.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      process.kill(-this.pgid, signal);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw error;
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }

  /** Whether a process of the group still runs (zombies waiting to be reaped do not count). */
  alive(): boolean {
    if (!this.signal(0)) return false;
    return hasLiveMember(this.pgid);
  }

  /**
   * SIGTERM to the group, then SIGKILL to whatever is left after the grace period. Resolves
   * when the group is gone (or has been sent SIGKILL). Calling it again joins the first call.
   */
  terminate(): Promise<void> {
    this.termination ??= this.runTermination();
    return this.termination;
  }

  private async runTermination(): Promise<void> {
    if (!this.alive() || !this.signal('SIGTERM')) return;
    const deadline = Date.now() + this.graceMs;
    while (Date.now() < deadline) {
      await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
      if (!this.alive()) return;
    }
    this.signal('SIGKILL');
  }
}

/**
 * `kill(-pgid, 0)` also succeeds while the only members left are zombies, which happens where
 * PID 1 does not reap orphans (many containers). On Linux, /proc tells the two apart; elsewhere
 * the group counts as alive and the caller at worst waits out the grace period.
 */
function hasLiveMember(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses, so parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}
