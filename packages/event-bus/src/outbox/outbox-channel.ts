/** The LISTEN/NOTIFY channel that wakes a schema's outbox relay. */
export function notifyChannel(schema: string): string {
  return `pipewright_outbox_${schema}`;
}
