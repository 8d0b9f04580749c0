#!/usr/bin/env node
import { main } from './cli';
import { processIo } from './cli-io';

// The first Ctrl-C cancels the command (a run stops its tasks and environments, then summarizes);
// a second one exits at once.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
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
