import { Controller, Get } from '@nestjs/common';
import { ZodQuery } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import type { Page } from '../pagination/cursor';
import { EventQueryService } from './event-query.service';
import { eventPageSchema, listEventsQuerySchema, type EventResponse, type ListEventsQuery } from './list-events.dto';

@Controller('events')
export class EventsController {
  constructor(private readonly events: EventQueryService) {}

  @Get()
  @ApiRoute({
    summary: 'The event log: every CDEvent received, newest first',
    query: listEventsQuerySchema,
    responses: { 200: { description: 'A page of events', schema: eventPageSchema } },
  })
  list(@ZodQuery(listEventsQuerySchema) query: ListEventsQuery): Promise<Page<EventResponse>> {
    return this.events.list(query);
  }
}
