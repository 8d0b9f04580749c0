import { Module } from '@nestjs/common';
import { EnvironmentEventsConsumer } from './environment-events.consumer';
import { ResourceLifetimeService } from './resource-lifetime.service';

@Module({ providers: [ResourceLifetimeService, EnvironmentEventsConsumer] })
export class ResourcesModule {}
