import { Module } from '@nestjs/common';
import { LogTailWriter } from './log-tail.writer';
import { RunLogsController } from './run-logs.controller';
import { RunLogsService } from './run-logs.service';

/** The tail of each task run's output, kept in Postgres and read over HTTP. */
@Module({
  controllers: [RunLogsController],
  providers: [LogTailWriter, RunLogsService],
  exports: [LogTailWriter],
})
export class LogsModule {}
