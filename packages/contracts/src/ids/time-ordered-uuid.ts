import { randomUUID } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562): the creation time in milliseconds in front, 74 random bits after. Everything
 * Pipewright creates (events, runs, task runs, environments) is named by one, so the indexes on those ids
 * grow at their end, as their rows arrive, instead of at a random place each: a random UUID sends every
 * insert into a different page of each such index, and once the index outgrows PostgreSQL's buffer cache
 * every insert reads and dirties a page no other recent insert touched.
 *
 * Ids from elsewhere (a CI server's CloudEvents) stay whatever they are: nothing relies on the order.
 */
export function timeOrderedUuid(now = Date.now()): string {
  // randomUUID draws from a cached pool of random bytes; its version-4 digit gives way to 7, the variant stays.
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
