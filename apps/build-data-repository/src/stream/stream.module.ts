import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { EventStreamController } from './event-stream.controller';
import { EventStreamHub } from './event-stream.hub';

@Module({
  imports: [EventsModule],
  controllers: [EventStreamController],
  providers: [EventStreamHub],
})
export class StreamModule {}
