import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseServiceEnv } from '@pipewright/service-runtime';
import { z } from 'zod';

export const SERVICE_NAME = 'telemetry-forwarder';
export const SCHEMA = 'telemetry';

export const SINK_NAMES = ['ndjson', 'prometheus'] as const;
export type SinkName = (typeof SINK_NAMES)[number];

/** `ndjson,prometheus` -> a set of known sink names; an unknown name is an error naming it. */
const sinkList = z
  .string()
  .default(SINK_NAMES.join(','))
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  )
  .pipe(
    z
      .array(
        z.enum(SINK_NAMES, {
          error: (issue) => `unknown sink ${JSON.stringify(issue.input)} (known: ${SINK_NAMES.join(', ')})`,
        }),
      )
      .min(1, 'expected at least one sink'),
  )
  .transform((names) => [...new Set(names)]);

export const envSchema = baseServiceEnv({ port: 3004 }).extend({
  /** Which sinks receive what the forwarder consumes. */
  FORWARDER_SINKS: sinkList,
  /** The NDJSON log file; appended to, created if missing. */
  FORWARDER_NDJSON_PATH: z.string().min(1).default(join(tmpdir(), 'pipewright-logs.ndjson')),
});

export type ForwarderConfig = z.output<typeof envSchema>;
