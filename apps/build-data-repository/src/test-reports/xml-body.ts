import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';

const XML_MEDIA_TYPES = ['application/xml', 'text/xml'];

/**
 * The request body as text, for routes that take XML: Nest parses JSON bodies only, and leaves other
 * media types unread. Refuses other media types (415) and bodies over `limitBytes` (413) without
 * buffering more than the limit.
 */
export async function readXmlBody(request: IncomingMessage, limitBytes: number): Promise<string> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!XML_MEDIA_TYPES.includes(mediaType)) {
    throw new UnsupportedMediaTypeException(
      `Expected a JUnit XML body (${XML_MEDIA_TYPES.join(' or ')}), got ${mediaType || 'no content type'}`,
    );
  }
  const tooLarge = () => new PayloadTooLargeException(`The body exceeds ${limitBytes} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > limitBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
