import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { waitFor } from '@pipewright/testing';

export interface SseMessage {
  id?: string;
  data?: string;
  comment?: string;
}

/** A bare Server-Sent Events client: records every frame, so tests can await what a browser would see. */
export class SseClient {
  readonly messages: SseMessage[] = [];
  private buffer = '';

  private constructor(
    private readonly req: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.read(chunk));
  }

  /** Connects to `path` on `server` (which must be listening). */
  static open(server: Server, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers } });
      req.on('response', (response) => resolve(new SseClient(req, response)));
      req.on('error', reject);
      req.end();
    });
  }

  /** The events (frames with data), parsed. */
  events<T>(): (T & { sseId: string })[] {
    return this.messages
      .filter((m) => m.data !== undefined)
      .map((m) => ({ ...(JSON.parse(m.data!) as T), sseId: m.id! }));
  }

  async waitForEvents<T>(count: number, description: string): Promise<(T & { sseId: string })[]> {
    return waitFor(() => this.events<T>().length >= count && this.events<T>(), { timeoutMs: 30_000, description });
  }

  close(): void {
    this.req.destroy();
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = {};
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) message.comment = line.slice(1).trim();
        else if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('data: ')) message.data = line.slice(6);
      }
      this.messages.push(message);
    }
  }
}
