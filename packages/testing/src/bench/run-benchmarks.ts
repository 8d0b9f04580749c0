/** A benchmark prints its figures and resolves with its final line: `name: value unit (target X)`. */
export type Benchmark = () => Promise<string>;

/**
 * The entry point of a workspace's `bench` script: runs the benchmarks named on the command line
 * (all of them when none is named; the suite's own name, as passed by `npm run bench -- <suite>`, is
 * skipped), each under a `--- name` header, and repeats the final lines at the end.
 */
export async function runBenchmarks(
  suite: string,
  benchmarks: Record<string, Benchmark>,
  argv = process.argv.slice(2),
) {
  const wanted = argv.filter((name) => name !== suite);
  const names = wanted.length > 0 ? wanted : Object.keys(benchmarks);
  const unknown = names.filter((name) => !benchmarks[name]);
  if (unknown.length > 0)
    throw new Error(`unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(benchmarks).join(', ')}`);
  const results: string[] = [];
  for (const name of names) {
    process.stdout.write(`--- ${name}\n`);
    const result = await benchmarks[name]!();
    process.stdout.write(`${result}\n`);
    results.push(result);
  }
  if (results.length > 1) process.stdout.write(`--- summary\n${results.join('\n')}\n`);
}

/** Runs `runBenchmarks` as a process: exit 0, or the error and exit 1. */
export function benchMain(suite: string, benchmarks: Record<string, Benchmark>): void {
  runBenchmarks(suite, benchmarks).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
