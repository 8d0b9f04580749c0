#!/usr/bin/env node
import { main } from './cli';
import { processIo } from './cli-io';

// The first Ctrl-C (or SIGTERM) cancels the command (a run stops its tasks and environments, then
// summarizes; a worker takes no more tasks and lets running ones finish); a second one exits at once.
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    controller.abort();
  });

main(process.argv.slice(2), processIo(controller.signal)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
