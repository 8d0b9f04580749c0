import { historyQueryBench } from './history-query.bench';
import { ingestBench } from './ingest.bench';
import { versionsBench } from './versions.bench';

jest.setTimeout(180_000);

/**
 * Each bench, small, against the real services: it must still run to its final line and pass its own
 * checks. The figures mean nothing at this size (`npm run bench -- builddata` measures them). The
 * history-query bench once failed outright for a session after a migration dropped a trigger its seed
 * disabled, and nothing noticed until it was run by hand.
 */
describe('builddata benches', () => {
  const saved = { ...process.env };
  let printed: string[];

  beforeEach(() => {
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
      printed.push(parts.join(' '));
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
  });

  it('versions: allocates every version once and says so', async () => {
    process.env.BENCH_VERSIONS_PER_CLIENT = '4';

    const sut = await versionsBench();

    expect(sut).toMatch(/^versions: \d+ allocations\/s, duplicates=0, gaps=0$/);
    expect(printed.join('\n')).toContain('200 allocations by 50 clients');
  });

  it('history-query: seeds the history and reads it within its target line', async () => {
    process.env.BENCH_HISTORY_EVENTS = '20000';

    const sut = await historyQueryBench();

    expect(sut).toMatch(/^history-query: p99 list=[\d.]+ ms, run=[\d.]+ ms \(target <= 50 ms\)$/);
    expect(printed.join('\n')).toContain('20000 events, 1000 runs');
  });

  it('ingest: consumes every event and finds none lost or twice', async () => {
    process.env.BENCH_INGEST_RUNS = '60';
    process.env.BENCH_INGEST_BASELINE_MS = '500';

    const sut = await ingestBench();

    expect(sut).toMatch(/^ingest: \d+ events\/s \(target >= 20000\)$/);
    const output = printed.join('\n');
    expect(output).toContain('lost=0 duplicated=0 runs-finished=60/60');
    expect(output).not.toContain('FAILED');
  });
});
