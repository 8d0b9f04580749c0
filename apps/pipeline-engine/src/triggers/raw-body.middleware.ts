import type { IncomingMessage, ServerResponse } from 'node:http';

/** The bytes of the request body, as they arrived: what a webhook signature is computed over. */
export interface RequestWithRawBody extends IncomingMessage {
  rawBody?: Buffer;
}

const LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * Reads the whole body into `req.rawBody` without parsing it. Signatures are over the exact bytes,
 * which a JSON parse and re-serialisation would not reproduce. Once the stream is consumed the
 * app's JSON parser sees a finished request and leaves it alone.
 */
export function readRawBody(req: RequestWithRawBody, res: ServerResponse, next: (error?: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > LIMIT_BYTES) {
      res.statusCode = 413;
      res.end();
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    req.rawBody = Buffer.concat(chunks);
    next();
  });
  req.on('error', next);
}
