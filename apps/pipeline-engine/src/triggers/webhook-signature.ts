import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>` as GitHub sends it in `X-Hub-Signature-256`: the HMAC-SHA256 of the raw body. */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `header` is the body's signature under `secret`; compared in constant time. */
export function isSignedBy(secret: string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  // timingSafeEqual throws on a length mismatch; a wrong length is simply a wrong signature.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
