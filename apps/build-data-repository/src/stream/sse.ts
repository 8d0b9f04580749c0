/** Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

/** One event: `id` is what the browser sends back as Last-Event-ID when it reconnects. */
export function sseEvent(id: number, data: unknown): string {
  // JSON has no raw newlines, so the data fits one `data:` line.
  return `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by clients, keeps proxies from closing an idle connection. */
export function sseComment(text: string): string {
  return `: ${text.replace(/\n/g, ' ')}\n\n`;
}

/** Tells the client how long to wait before reconnecting. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.round(ms)}\n\n`;
}
