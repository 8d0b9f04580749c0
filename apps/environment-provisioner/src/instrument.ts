// Imported first by main.ts: the OpenTelemetry SDK must patch http, pg, pino and Nest before any of them loads,
// so this file imports nothing that pulls them in.
import { startTelemetry } from '@pipewright/telemetry';
import { SERVICE_NAME } from './config/service-name';

export const telemetry = startTelemetry({ serviceName: SERVICE_NAME });
