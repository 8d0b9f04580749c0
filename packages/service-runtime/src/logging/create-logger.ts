import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/service-env';

/** Never logged, wherever they appear in a request/response log. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/** The service's pino logger: JSON lines with `service`, ISO `time` and the level as a word. */
export function createLogger(serviceName: string, level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: serviceName },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
