import { Module } from '@nestjs/common';
import { LogForwardingService } from './log-forwarding.service';
import { LogLinesConsumer } from './log-lines.consumer';

@Module({ providers: [LogForwardingService, LogLinesConsumer] })
export class LogsModule {}
