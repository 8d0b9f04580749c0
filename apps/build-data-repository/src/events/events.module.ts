import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventLogEntry } from './event-log-entry.entity';
import { EventLogService } from './event-log.service';
import { EventQueryService } from './event-query.service';
import { EventsController } from './events.controller';

@Module({
  imports: [TypeOrmModule.forFeature([EventLogEntry])],
  controllers: [EventsController],
  providers: [EventLogService, EventQueryService],
  exports: [EventLogService, EventQueryService],
})
export class EventsModule {}
