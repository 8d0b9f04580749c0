#!/usr/bin/env node
// `npm run bench -- <name> [args...]`: runs the benchmarks <name> names in the workspace that owns them,
// with Kafka and PostgreSQL available (scripts/with-services.mjs), after building what they import.
//
//   npm run bench -- builddata                 all of the build-data repository's (ingest, versions, history-query)
//   npm run bench -- builddata versions        one of them
//   npm run bench -- engine                    the pipeline engine's
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Benchmark name -> the workspace whose `bench` script runs it. */
const OWNERS = {
  builddata: { workspace: 'apps/build-data-repository', package: '@pipewright/build-data-repository' },
  engine: { workspace: 'apps/pipeline-engine', package: '@pipewright/pipeline-engine' },
};

const [name, ...args] = process.argv.slice(2);
const owner = OWNERS[name];
if (!owner) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(OWNERS).join('|')}> [args...]\n`);
  process.exit(2);
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The workspace's own code is compiled by its bench script; the packages it imports must be built.
run('npx', ['turbo', 'run', 'build', `--filter=${owner.package}^...`, '--output-logs=errors-only']);
run('node', ['scripts/with-services.mjs', 'npm', 'run', 'bench', '-w', owner.workspace, '--', name, ...args]);
