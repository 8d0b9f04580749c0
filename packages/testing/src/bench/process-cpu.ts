import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The local servers a benchmark shares the machine with, by how their command line starts. */
export const LOCAL_SERVERS = {
  postgres: (cmdline: string) => /^postgres(:|\s|$)|\/postgres(\s|$)/.test(cmdline),
  kafka: (cmdline: string) => cmdline.startsWith('java') && cmdline.includes('kafka.Kafka'),
} as const;

/**
 * CPU time (ms, user + system) used so far by the processes whose command line `matches`, on Linux.
 * Children they have reaped count too (a PostgreSQL backend that exited is in the postmaster's
 * cutime), so the difference of two readings is what those servers spent in between, even when
 * connections came and went. Undefined where /proc is not there to read.
 */
export function cpuOfProcesses(matches: (cmdline: string) => boolean): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (!matches(cmdline)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      for (const field of [11, 12, 13, 14]) ticks += Number(fields[field]); // utime stime cutime cstime
    } catch {
      // The process ended between listing and reading: its time is in its parent's cutime now.
    }
  }
  return (ticks * 1_000) / clockTicksPerSecond();
}

let ticksPerSecond: number | undefined;
function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}
