import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  EnvironmentCreated,
  EnvironmentDeleted,
  EnvironmentFailed,
  type DestroyEnvironment,
  type ProvisionEnvironment,
} from '@pipewright/contracts';
import { OutboxWriter } from '@pipewright/event-bus';
import { DataSource, In, IsNull, type Repository } from 'typeorm';
import {
  ENVIRONMENT_DRIVERS,
  EnvironmentNotReady,
  type CreatedEnvironment,
  type DriverResource,
  type EnvironmentDriver,
  type EnvironmentDrivers,
  type EnvironmentSpec,
} from '../drivers/environment-driver';
import { EnvironmentResource } from './environment-resource.entity';
import { Environment } from './environment.entity';
import { EnvironmentNotFound, EnvironmentStillProvisioning } from './environment.errors';
import { costTagsOf, environmentCreated, environmentDeleted, environmentFailed } from './environment.events';
import { toEnvironmentView, type EnvironmentView } from './environment.view';
import type { ListEnvironmentsQuery } from './list-environments.dto';

/**
 * Environments, their resources, and the events announcing them.
 *
 * Provisioning order, chosen so that nothing runs without a record and nothing recorded is announced
 * before it is true: claim the row (`provisioning`), start through the driver, record the resources,
 * wait until healthy, then in ONE transaction mark it `ready` and write `EnvironmentCreated` to the
 * outbox. Whenever a step after the start throws, the started resources are stopped before the error
 * propagates (and the command is retried); a row left in `provisioning` by a crash is taken over by
 * the redelivered command, which first stops whatever the interrupted attempt had started.
 */
@Injectable()
export class EnvironmentService {
  private readonly logger = new Logger(EnvironmentService.name);
  /** Environments this process is provisioning right now: a second command for one of them must not interfere. */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Environment) private readonly environments: Repository<Environment>,
    @InjectRepository(EnvironmentResource) private readonly resources: Repository<EnvironmentResource>,
    private readonly outbox: OutboxWriter,
    @Inject(ENVIRONMENT_DRIVERS) private readonly drivers: EnvironmentDrivers,
  ) {}

  /**
   * Idempotent per environment id: a command for an environment that exists (ready, failed or deleted)
   * starts nothing and announces nothing again. EnvironmentCreated went out once, through the outbox,
   * when it became ready; a second one would make subscribers (cost reporting above all) count its
   * resources twice, and the requester already has (or will get) the first.
   */
  async provision(command: ProvisionEnvironment): Promise<void> {
    const id = command.environmentId;
    if (this.inFlight.has(id)) {
      this.logger.log({ environmentId: id }, 'environment is being provisioned; duplicate provision command ignored');
      return;
    }
    this.inFlight.add(id);
    try {
      const existing = await this.environments.findOneBy({ id });
      if (existing && existing.status !== 'provisioning') {
        this.logger.log(
          { environmentId: id, status: existing.status },
          'environment exists; provision command ignored',
        );
        return;
      }
      if (existing) {
        this.logger.warn({ environmentId: id }, 'taking over an interrupted provisioning');
        await this.stopLeftovers(existing);
      }
      await this.bringUp(existing ?? (await this.claim(command)), command.spec);
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Stops the environment's resources, then marks it deleted and announces it. Unknown or deleted: nothing to do. */
  async destroy(command: DestroyEnvironment): Promise<void> {
    const id = command.environmentId;
    const environment = await this.environments.findOneBy({ id });
    if (!environment || environment.status === 'deleted') {
      this.logger.log(
        { environmentId: id, status: environment?.status ?? 'unknown', reason: command.reason },
        'nothing to destroy; destroy command ignored',
      );
      return;
    }
    if (this.inFlight.has(id)) throw new EnvironmentStillProvisioning(id);

    const resources = await this.resourcesOf(id);
    const running = resources.filter((resource) => !resource.endedAt);
    await this.driverNamed(environment.driver).destroy(running);
    const deletedAt = new Date();
    for (const resource of running) resource.endedAt = deletedAt;

    await this.dataSource.transaction(async (manager) => {
      await manager.update(EnvironmentResource, { environmentId: id, endedAt: IsNull() }, { endedAt: deletedAt });
      // Guarded by the status we read: if it changed meanwhile, the retry decides again on fresh state.
      const updated = await manager.update(
        Environment,
        { id, status: environment.status },
        { status: 'deleted', deletedAt },
      );
      if (updated.affected !== 1) throw new Error(`environment ${id} changed while it was being destroyed`);
      await this.outbox.publish(manager, EnvironmentDeleted, environmentDeleted(environment, deletedAt, resources));
    });
    this.logger.log({ environmentId: id, reason: command.reason }, 'environment deleted');
  }

  /**
   * Start-up check, before any command is consumed. Environments outlive the provisioner, so what it
   * recorded may no longer be true:
   * - `ready` whose resources are not all there any more: whatever is left is stopped, the resources
   *   end now (the best we know: the lifetime is over-counted by at most the time the provisioner was
   *   down), and the environment is `failed` with an EnvironmentFailed event. It stays destroyable, so
   *   the owner's usual destroy still ends in `deleted`.
   * - `provisioning`: the attempt died with the previous process. What it started is stopped; the row
   *   stays `provisioning` for the redelivered command to take over.
   * Assumes one provisioner per host for local processes: another instance's pids mean nothing here.
   */
  async reconcile(): Promise<void> {
    const live = await this.environments.find({ where: { status: In(['provisioning', 'ready']) } });
    for (const environment of live) {
      try {
        await this.reconcileOne(environment);
      } catch (error) {
        // One environment that cannot be checked must not keep the provisioner from starting.
        this.logger.error({ err: error, environmentId: environment.id }, 'could not reconcile environment');
      }
    }
  }

  async get(id: string): Promise<EnvironmentView> {
    const environment = await this.environments.findOneBy({ id });
    if (!environment) throw new EnvironmentNotFound(id);
    return toEnvironmentView(environment, await this.resourcesOf(id));
  }

  async list(query: ListEnvironmentsQuery): Promise<EnvironmentView[]> {
    const environments = await this.environments.find({
      where: { ...(query.runId ? { runId: query.runId } : {}), ...(query.status ? { status: query.status } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: query.limit,
    });
    if (environments.length === 0) return [];
    const resources = await this.resources.find({
      where: { environmentId: In(environments.map((e) => e.id)) },
      order: { startedAt: 'ASC' },
    });
    return environments.map((environment) =>
      toEnvironmentView(
        environment,
        resources.filter((resource) => resource.environmentId === environment.id),
      ),
    );
  }

  private async reconcileOne(environment: Environment): Promise<void> {
    if (environment.status === 'provisioning') {
      this.logger.warn({ environmentId: environment.id }, 'provisioning was interrupted; stopping what it started');
      return this.stopLeftovers(environment);
    }
    const driver = this.driverNamed(environment.driver);
    const running = await this.resources.findBy({ environmentId: environment.id, endedAt: IsNull() });
    const exists = await Promise.all(running.map((resource) => driver.exists(resource)));
    const gone = running.filter((_, index) => !exists[index]);
    if (running.length > 0 && gone.length === 0) return;
    await driver.destroy(running);
    const reason =
      gone.length > 0
        ? `found at start-up that ${gone.map((r) => `${r.type} ${r.id}`).join(', ')} no longer runs`
        : 'found at start-up without any running resource';
    await this.markFailed(environment, reason);
  }

  private async claim(command: ProvisionEnvironment): Promise<Environment> {
    const environment = this.environments.create({
      id: command.environmentId,
      name: command.name,
      runId: command.runId ?? null,
      component: command.component,
      team: command.team,
      solution: command.solution,
      size: command.size,
      lifetime: command.lifetime,
      driver: command.spec.driver,
      status: 'provisioning',
      url: null,
      failureReason: null,
      createdAt: new Date(),
      readyAt: null,
      failedAt: null,
      deletedAt: null,
    });
    // A concurrent claim of the same id fails here on the primary key; the retried command then finds the row.
    await this.environments.insert(environment);
    return environment;
  }

  private async bringUp(environment: Environment, spec: EnvironmentSpec): Promise<void> {
    const driver = this.driverNamed(spec.driver);
    let created: CreatedEnvironment;
    try {
      created = await driver.create(environment.id, spec);
    } catch (error) {
      if (error instanceof EnvironmentNotReady) return this.markFailed(environment, error.message);
      throw error;
    }
    const resources = created.resources.map((resource) => this.toRow(environment, resource));
    try {
      await this.resources.insert(resources);
      await created.ready();
    } catch (error) {
      if (error instanceof EnvironmentNotReady) {
        // Not quietly: if it cannot be stopped it must not be recorded as ended; the retry tries again.
        await driver.destroy(resources);
        return this.markFailed(environment, error.message);
      }
      await this.stopQuietly(driver, resources, environment);
      throw error;
    }
    try {
      await this.markReady(environment, created.url ?? null, resources);
    } catch (error) {
      // Announced nowhere, so it must not keep running: the retried command starts afresh.
      await this.stopQuietly(driver, resources, environment);
      throw error;
    }
  }

  private async markReady(environment: Environment, url: string | null, resources: EnvironmentResource[]) {
    const readyAt = new Date();
    await this.dataSource.transaction(async (manager) => {
      const updated = await manager.update(
        Environment,
        { id: environment.id, status: 'provisioning' },
        { status: 'ready', url, readyAt },
      );
      if (updated.affected !== 1) throw new Error(`environment ${environment.id} left 'provisioning' meanwhile`);
      await this.outbox.publish(
        manager,
        EnvironmentCreated,
        environmentCreated({ ...environment, status: 'ready', url, readyAt }, resources),
      );
    });
    this.logger.log({ environmentId: environment.id, url }, 'environment ready');
  }

  /** Nothing of it runs any more (the caller made sure): resources end now, and the reason is announced. */
  private async markFailed(environment: Environment, reason: string): Promise<void> {
    const failedAt = new Date();
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        EnvironmentResource,
        { environmentId: environment.id, endedAt: IsNull() },
        { endedAt: failedAt },
      );
      await manager.update(Environment, { id: environment.id }, { status: 'failed', failureReason: reason, failedAt });
      await this.outbox.publish(manager, EnvironmentFailed, environmentFailed(environment, reason));
    });
    this.logger.warn({ environmentId: environment.id, reason }, 'environment failed');
  }

  /** Stops what an interrupted attempt started and records that it ended. */
  private async stopLeftovers(environment: Environment): Promise<void> {
    const running = await this.resources.findBy({ environmentId: environment.id, endedAt: IsNull() });
    if (running.length === 0) return;
    await this.driverNamed(environment.driver).destroy(running);
    await this.resources.update({ id: In(running.map((r) => r.id)) }, { endedAt: new Date() });
  }

  /** Used while another error propagates: that error matters more, this one is logged. */
  private async stopQuietly(driver: EnvironmentDriver, resources: readonly DriverResource[], environment: Environment) {
    try {
      await driver.destroy(resources);
    } catch (error) {
      this.logger.error({ err: error, environmentId: environment.id }, 'could not stop a failed environment');
    }
  }

  private toRow(environment: Environment, resource: DriverResource): EnvironmentResource {
    return this.resources.create({
      id: resource.id,
      environmentId: environment.id,
      type: resource.type,
      size: environment.size,
      tags: costTagsOf(environment),
      details: resource.details,
      startedAt: resource.startedAt,
      endedAt: null,
    });
  }

  private resourcesOf(environmentId: string): Promise<EnvironmentResource[]> {
    return this.resources.find({ where: { environmentId }, order: { startedAt: 'ASC' } });
  }

  private driverNamed(name: string): EnvironmentDriver {
    const driver = (this.drivers as Readonly<Record<string, EnvironmentDriver | undefined>>)[name];
    if (!driver) throw new Error(`no environment driver named '${name}'`);
    return driver;
  }
}
