// `npm run bench -w packages/engine-core -- [name...]`: runs the named benchmarks (all without a name).
import { engineOverhead } from './engine-overhead';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  'engine-overhead': engineOverhead,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) await BENCHMARKS[name]?.();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
