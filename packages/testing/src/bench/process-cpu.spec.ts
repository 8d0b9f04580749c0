import { readFileSync } from 'node:fs';
import { cpuOfProcesses, LOCAL_SERVERS } from './process-cpu';

const onLinux = process.platform === 'linux' ? it : it.skip;

describe('cpuOfProcesses', () => {
  onLinux('counts the CPU time of the processes it matches, as it grows', () => {
    const self = readFileSync('/proc/self/cmdline', 'utf8').replaceAll('\0', ' ').trim();
    const before = cpuOfProcesses((cmdline) => cmdline === self)!;
    const start = process.cpuUsage();
    let x = 0;
    while (process.cpuUsage(start).user < 200_000) x += Math.sqrt(x + 1);
    const after = cpuOfProcesses((cmdline) => cmdline === self)!;
    expect(x).toBeGreaterThan(0);
    // 200 ms of user time spent in between; /proc counts in clock ticks (10 ms).
    expect(after - before).toBeGreaterThanOrEqual(150);
  });

  it('matches nothing for a command line nobody runs', () => {
    expect(cpuOfProcesses(() => false) ?? 0).toBe(0);
  });

  it('recognizes PostgreSQL and Kafka command lines', () => {
    expect(LOCAL_SERVERS.postgres('/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main')).toBe(true);
    expect(LOCAL_SERVERS.postgres('postgres: 15/main: postgres bench 127.0.0.1(40122) idle')).toBe(true);
    expect(LOCAL_SERVERS.postgres('node dist/main.js --postgres-url x')).toBe(false);
    expect(LOCAL_SERVERS.kafka('java -Xmx1G -cp /work/infra/kafka/lib/* kafka.Kafka server.properties')).toBe(true);
    expect(LOCAL_SERVERS.kafka('java -jar other.jar')).toBe(false);
  });
});
