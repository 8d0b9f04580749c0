import { historyQueryBench } from './history-query.bench';
import { ingestBench } from './ingest.bench';
import { versionsBench } from './versions.bench';

/** `npm run bench -- builddata [ingest|versions|history-query ...]`: each prints its figures, then `name: value unit (target)`. */
const BENCHMARKS: Record<string, () => Promise<string>> = {
  versions: versionsBench,
  'history-query': historyQueryBench,
  ingest: ingestBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((name) => name !== 'builddata');
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
