import { WebhookHeaders, signWebhook } from './webhook-signature';

export interface OutgoingWebhook {
  url: string;
  secret: string;
  deliveryId: string;
  eventType: string;
  /** The structured-mode CloudEvent, serialized: exactly the bytes signed and sent. */
  body: string;
}

export interface AttemptOutcome {
  startedAt: Date;
  durationMs: number;
  /** Null when the receiver did not answer. */
  httpStatus: number | null;
  /** Null when the receiver took it (2xx). */
  error: string | null;
}

/** What of a failing receiver's answer is kept with the attempt. */
const ERROR_BODY_CHARS = 500;

/**
 * POSTs one attempt of a delivery: a CloudEvent in structured mode, signed (see webhook-signature.ts).
 * A 2xx answer delivers it; anything else (another status, a redirect, no answer in time) is a failed
 * attempt, described for the people reading the delivery log. Never throws.
 */
export async function sendWebhook(webhook: OutgoingWebhook, timeoutMs: number): Promise<AttemptOutcome> {
  const startedAt = new Date();
  const timestamp = Math.floor(startedAt.getTime() / 1_000);
  const finish = (httpStatus: number | null, error: string | null): AttemptOutcome => ({
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    httpStatus,
    error,
  });
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/cloudevents+json; charset=utf-8',
        'user-agent': 'pipewright-build-data-repository',
        [WebhookHeaders.timestamp]: String(timestamp),
        [WebhookHeaders.signature]: signWebhook(webhook.secret, timestamp, webhook.body),
        [WebhookHeaders.delivery]: webhook.deliveryId,
        [WebhookHeaders.eventType]: webhook.eventType,
      },
      body: webhook.body,
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel();
      return finish(response.status, null);
    }
    const text = (await response.text().catch(() => '')).slice(0, ERROR_BODY_CHARS);
    return finish(response.status, `HTTP ${response.status}${text ? `: ${text}` : ''}`);
  } catch (error) {
    return finish(null, describe(error, timeoutMs));
  }
}

/** Duck-typed: fetch's errors may come from another realm (undici), where instanceof fails. */
function describe(error: unknown, timeoutMs: number): string {
  const { name, message, cause } = (error ?? {}) as { name?: string; message?: string; cause?: unknown };
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (typeof message !== 'string') return String(error);
  const { code, message: causeMessage } = (cause ?? {}) as { code?: string; message?: string };
  const reason = code ?? causeMessage;
  return reason ? `${message}: ${reason}` : message;
}
