import { startTelemetry } from '@pipewright/telemetry';

/** Imported first by main.ts, so OpenTelemetry patches http, express, pg and pino before they load. */
export const telemetry = startTelemetry({ serviceName: 'build-data-repository' });
