#!/usr/bin/env node
// `npm run bench -- <name> [part...]`: runs the benchmarks <name> names in the workspaces that own them,
// with Kafka and PostgreSQL available (scripts/with-services.mjs) where they need them, after building
// what they import.
//
//   npm run bench -- builddata                 all of the build-data repository's (ingest, versions, history-query)
//   npm run bench -- builddata versions        one of them
//   npm run bench -- engine                    engine-overhead (engine-core), trigger-to-first-task, concurrent-runs
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Benchmark name -> the workspaces whose `bench` scripts run its parts, and which parts each runs. */
const OWNERS = {
  builddata: [
    {
      workspace: 'apps/build-data-repository',
      package: '@pipewright/build-data-repository',
      parts: ['ingest', 'versions', 'history-query'],
    },
  ],
  engine: [
    // The embedded engine's overhead needs no services (its bench takes part names alone).
    { workspace: 'packages/engine-core', package: '@pipewright/engine-core', parts: ['engine-overhead'], local: true },
    {
      workspace: 'apps/pipeline-engine',
      package: '@pipewright/pipeline-engine',
      parts: ['trigger-to-first-task', 'concurrent-runs'],
    },
  ],
};

const [name, ...args] = process.argv.slice(2);
const owners = OWNERS[name];
if (!owners) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(OWNERS).join('|')}> [part...]\n`);
  process.exit(2);
}
const known = owners.flatMap((owner) => owner.parts);
const unknown = args.filter((arg) => !known.includes(arg));
if (unknown.length > 0) {
  process.stderr.write(`unknown ${name} benchmark ${unknown.join(', ')}; known: ${known.join(', ')}\n`);
  process.exit(2);
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

for (const owner of owners) {
  const parts = args.length === 0 ? owner.parts : owner.parts.filter((part) => args.includes(part));
  if (parts.length === 0) continue;
  // The workspace's own code is compiled by its bench script; the packages it imports must be built.
  run('npx', ['turbo', 'run', 'build', `--filter=${owner.package}^...`, '--output-logs=errors-only']);
  if (owner.local) run('npm', ['run', 'bench', '-w', owner.workspace, '--', ...parts]);
  else run('node', ['scripts/with-services.mjs', 'npm', 'run', 'bench', '-w', owner.workspace, '--', name, ...parts]);
}
