import { Global, Module } from '@nestjs/common';
import { AssignmentNotifications } from './assignment-notifications';
import { AssignmentSweep } from './assignment-sweep';
import { TaskAssignmentService } from './task-assignment.service';
import { WorkerMessagesConsumer } from './worker-messages.consumer';
import { WorkerPoolExecutor } from './worker-pool-executor';

/** Tasks with a `pool` run on `pipewright worker` processes (global: the run executor takes its executor). */
@Global()
@Module({
  providers: [
    AssignmentNotifications,
    TaskAssignmentService,
    WorkerPoolExecutor,
    WorkerMessagesConsumer,
    AssignmentSweep,
  ],
  exports: [WorkerPoolExecutor],
})
export class WorkersModule {}
