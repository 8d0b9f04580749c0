import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TaskAssignmentAccepted, TaskAssignmentFinished, TaskAssignmentHeartbeat } from '@pipewright/contracts';
import { EventBus, EventConsumer } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { TaskAssignmentService } from './task-assignment.service';

/** What workers say about their assignments, on the engine's command topic. */
@Injectable()
export class WorkerMessagesConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(bus: EventBus, dataSource: DataSource, assignments: TaskAssignmentService) {
    this.consumer = new EventConsumer({ bus, dataSource, name: 'worker-messages', partitionsConsumedConcurrently: 4 })
      .on(TaskAssignmentAccepted, (message, { manager }) => assignments.recordAccepted(manager, message))
      .on(TaskAssignmentHeartbeat, (message, { manager }) => assignments.recordHeartbeat(manager, message))
      .on(TaskAssignmentFinished, (message, { manager }) => assignments.recordFinished(manager, message));
  }

  onApplicationBootstrap() {
    return this.consumer.start();
  }

  onApplicationShutdown() {
    return this.consumer.stop();
  }
}
