import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { WebhookHeaders, signWebhook } from './webhook-signature';
import type { WebhookTargetGuard } from './webhook-target.guard';

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
 * A 2xx answer delivers it; anything else (another status, a redirect, no answer in time, an address the
 * guard refuses) is a failed attempt, described for the people reading the delivery log. Never throws.
 * node:http rather than fetch: its `lookup` hook lets the guard check the very address connected to.
 */
export async function sendWebhook(
  webhook: OutgoingWebhook,
  timeoutMs: number,
  guard: WebhookTargetGuard,
): Promise<AttemptOutcome> {
  const startedAt = new Date();
  const timestamp = Math.floor(startedAt.getTime() / 1_000);
  const finish = (httpStatus: number | null, error: string | null): AttemptOutcome => ({
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    httpStatus,
    error,
  });
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const url = new URL(webhook.url);
    guard.assertLiteralAllowed(url);
    const response = await post(url, webhook, timestamp, guard, signal);
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) {
      response.resume();
      return finish(status, null);
    }
    const text = (await readText(response, ERROR_BODY_CHARS).catch(() => '')).slice(0, ERROR_BODY_CHARS);
    return finish(status, `HTTP ${status}${text ? `: ${text}` : ''}`);
  } catch (error) {
    return finish(null, signal.aborted ? `no answer within ${timeoutMs} ms` : describe(error));
  }
}

function post(
  url: URL,
  webhook: OutgoingWebhook,
  timestamp: number,
  guard: WebhookTargetGuard,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: 'POST',
        lookup: guard.lookup,
        signal,
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          'content-length': Buffer.byteLength(webhook.body, 'utf8'),
          'user-agent': 'pipewright-build-data-repository',
          [WebhookHeaders.timestamp]: String(timestamp),
          [WebhookHeaders.signature]: signWebhook(webhook.secret, timestamp, webhook.body),
          [WebhookHeaders.delivery]: webhook.deliveryId,
          [WebhookHeaders.eventType]: webhook.eventType,
        },
      },
      resolve,
    );
    outgoing.on('error', reject);
    outgoing.end(webhook.body);
  });
}

/** Up to about `maxChars` of the answer's body; the rest is not read. */
async function readText(response: IncomingMessage, maxChars: number): Promise<string> {
  let text = '';
  response.setEncoding('utf8');
  for await (const chunk of response) {
    text += chunk as string;
    if (text.length >= maxChars) break;
  }
  response.destroy();
  return text;
}

function describe(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: string; code?: string };
  if (typeof message !== 'string') return String(error);
  return code && !message.includes(code) ? `${message}: ${code}` : message;
}
