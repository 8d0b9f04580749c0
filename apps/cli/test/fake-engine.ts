import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
}

export interface FakeEngine {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** A tiny stand-in for the pipeline-engine's HTTP API: answers each request with the handler's status and JSON. */
export async function fakeEngine(handler: (request: ReceivedRequest) => FakeAnswer): Promise<FakeEngine> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body };
      received.push(request);
      const answer = handler(request);
      res.writeHead(answer.status, {
        'content-type': answer.status >= 400 ? 'application/problem+json' : 'application/json',
      });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
