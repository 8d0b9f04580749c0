import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DestroyEnvironment, ProvisionEnvironment } from '@pipewright/contracts';
import { EventBus, EventConsumer } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { EnvironmentService } from './environment.service';

/**
 * Provision and destroy commands. The handlers do not write through the consumer's transaction: they
 * start and stop processes, which a rollback cannot undo, so EnvironmentService commits each step
 * itself and is idempotent per environment id. The consumer's own de-duplication still skips redelivered
 * messages; a command that arrives twice under different ids is caught by the environment's state.
 */
@Injectable()
export class EnvironmentCommandsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    bus: EventBus,
    dataSource: DataSource,
    private readonly environments: EnvironmentService,
  ) {
    this.consumer = new EventConsumer({
      bus,
      dataSource,
      name: 'environment-commands',
      // Provisioning waits for health checks; environments of different runs (partitions) need not queue up
      // behind each other. Commands for one environment share a key, so they still come one after the other.
      partitionsConsumedConcurrently: 4,
    })
      .on(ProvisionEnvironment, (command) => environments.provision(command))
      .on(DestroyEnvironment, (command) => environments.destroy(command));
  }

  /** Reconciles first, so commands are applied to what is actually running. */
  async onApplicationBootstrap() {
    await this.environments.reconcile();
    await this.consumer.start();
  }

  onApplicationShutdown() {
    // Environments keep running: they are long-lived compared to a provisioner process.
    return this.consumer.stop();
  }
}
