/** Kafka client id, CloudEvents source, OpenTelemetry service.name and log field. Imports nothing, so instrument.ts can use it. */
export const SERVICE_NAME = 'environment-provisioner';
