import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How deliveries are signed, for receivers to check:
 *
 *   X-Pipewright-Timestamp: <unix seconds when the attempt was sent>
 *   X-Pipewright-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 * The signature covers the timestamp as well as the raw body bytes, so a captured delivery cannot be
 * replayed later with a fresh timestamp: a receiver recomputes the HMAC over `${timestamp}.${body}`,
 * compares in constant time, and refuses timestamps more than a few minutes from its clock (five by
 * default). Every attempt is signed anew with its own timestamp; `X-Pipewright-Delivery` stays the same
 * across attempts, for receivers that de-duplicate.
 */
export const WebhookHeaders = {
  signature: 'x-pipewright-signature',
  timestamp: 'x-pipewright-timestamp',
  delivery: 'x-pipewright-delivery',
  eventType: 'x-pipewright-event-type',
} as const;

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does with a delivery's headers and raw body. */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1_000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
