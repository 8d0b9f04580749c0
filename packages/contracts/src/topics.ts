/**
 * Kafka topic names. They live here and nowhere else (DESIGN.md §3).
 * Runs and environments are the partition keys, so all events of one run stay in order.
 */
export const SERVICES = [
  'pipeline-engine',
  'build-data-repository',
  'environment-provisioner',
  'telemetry-forwarder',
  'cost-reporter',
] as const;
export type ServiceName = (typeof SERVICES)[number];

export const Topics = {
  /** Every public event (CDEvents + our custom ones): the surface teams subscribe to. */
  cdevents: 'pipewright.cdevents',
  /** Log lines of task runs (high volume), keyed by task run id. */
  logs: 'pipewright.logs',
  /** Metric samples (task durations, load-test results, resource usage), keyed by run id. */
  metrics: 'pipewright.metrics',
  /** Requests addressed to one service. */
  commands: (service: ServiceName) => `pipewright.commands.${service}` as const,
  /** Task assignments for a worker pool. */
  tasks: (pool: string) => `pipewright.tasks.${pool}` as const,
} as const;

/** Where a message goes when it cannot be parsed or handled after bounded retries. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
