import { Controller, Get, Headers, Inject, Req, Res } from '@nestjs/common';
import { ValidationError, ZodQuery } from '@pipewright/service-runtime';
import { z } from 'zod';
import { BUILD_DATA_CONFIG } from '../config/config.module';
import type { BuildDataConfig } from '../config/env';
import { EventQueryService } from '../events/event-query.service';
import { eventFilterShape, eventSchema } from '../events/list-events.dto';
import { ApiRoute } from '../openapi/api-route.decorator';
import { checkTimeRange } from '../pagination/time-range';
import { EventStreamHub } from './event-stream.hub';
import { EventStreamSession, type SseOutput } from './event-stream.session';

const seqSchema = z.coerce.number().int().nonnegative();

export const streamEventsQuerySchema = z
  .strictObject({
    ...eventFilterShape,
    lastEventId: seqSchema
      .optional()
      .describe('Resume after this seq, like the Last-Event-ID header (which wins when both are given)'),
  })
  .superRefine(checkTimeRange);
type StreamEventsQuery = z.output<typeof streamEventsQuerySchema>;

interface StreamResponse extends SseOutput {
  writeHead(status: number, headers: Record<string, string>): unknown;
  flushHeaders(): void;
}

@Controller('events')
export class EventStreamController {
  constructor(
    private readonly hub: EventStreamHub,
    private readonly events: EventQueryService,
    @Inject(BUILD_DATA_CONFIG) private readonly config: BuildDataConfig,
  ) {}

  @Get('stream')
  @ApiRoute({
    summary: 'Live stream (Server-Sent Events) of newly stored events, with the filters of GET /events',
    description:
      'Each SSE message has `id: <seq>` and the event as JSON data (the shape of GET /events items). ' +
      'Reconnect with `Last-Event-ID` to receive what was missed; comments (`: heartbeat`) keep the connection alive.',
    query: streamEventsQuerySchema,
    responses: { 200: { description: 'The stream', contentType: 'text/event-stream', schema: eventSchema } },
  })
  async stream(
    @ZodQuery(streamEventsQuerySchema) query: StreamEventsQuery,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Req() request: { on(event: 'close', listener: () => void): void },
    @Res() response: StreamResponse,
  ): Promise<void> {
    const { lastEventId, ...filter } = query;
    const resumeAfter = lastEventIdHeader === undefined ? lastEventId : parseLastEventId(lastEventIdHeader);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    const session = new EventStreamSession(response, filter, this.config.STREAM_HEARTBEAT_SECONDS * 1_000);
    const close = () => {
      this.hub.unsubscribe(session);
      session.end();
    };
    request.on('close', close);
    try {
      await session.start(this.hub, this.events, resumeAfter);
    } catch (error) {
      // The status is sent already: end the stream, the client reconnects with its Last-Event-ID.
      close();
      throw error;
    }
  }
}

function parseLastEventId(header: string): number {
  const parsed = seqSchema.safeParse(header);
  if (!parsed.success) throw new ValidationError('headers', [{ path: 'Last-Event-ID', message: 'must be an event seq' }]);
  return parsed.data;
}
