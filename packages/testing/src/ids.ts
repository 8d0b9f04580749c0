import { randomBytes } from 'node:crypto';

/** `<prefix><base36 time><random>`, lower case, e.g. `run-lq2x9k3a7f3c1e`; unique across processes. */
export function uniqueId(prefix = ''): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

let prefix: string | undefined;

/**
 * A prefix for Kafka topic (and consumer group) names, e.g. `t1a2b3c4d.`, fixed for the process
 * (under Jest: for the test file). Tests share one broker and isolate themselves by prefixing names.
 */
export function topicPrefix(): string {
  prefix ??= `t${randomBytes(4).toString('hex')}.`;
  return prefix;
}
