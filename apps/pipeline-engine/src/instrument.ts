import { startTelemetry } from '@pipewright/telemetry';

/**
 * Imported first by main.ts: the OpenTelemetry SDK must patch http, express, pg and pino before
 * anything else loads them.
 */
export const telemetry = startTelemetry({ serviceName: 'pipeline-engine' });
