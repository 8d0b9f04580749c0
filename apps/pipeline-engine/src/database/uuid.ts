const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids we create are UUIDs (Postgres `uuid` columns); anything else in an event is not one of ours. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
