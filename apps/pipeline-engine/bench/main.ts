import { concurrentRunsBench } from './concurrent-runs.bench';
import { triggerToFirstTaskBench } from './trigger-to-first-task.bench';

/** `npm run bench -- engine [trigger-to-first-task|concurrent-runs ...]`: each prints its figures, then `name: value (target)`. */
const BENCHMARKS: Record<string, () => Promise<string>> = {
  'trigger-to-first-task': triggerToFirstTaskBench,
  'concurrent-runs': concurrentRunsBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((name) => name !== 'engine');
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHMARKS);
  const unknown = names.filter((name) => !BENCHMARKS[name]);
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(BENCHMARKS).join(', ')}`);
  const results: string[] = [];
  for (const name of names) {
    console.log(`--- ${name}`);
    const result = await BENCHMARKS[name]!();
    console.log(result);
    results.push(result);
  }
  if (results.length > 1) console.log(`--- summary\n${results.join('\n')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
