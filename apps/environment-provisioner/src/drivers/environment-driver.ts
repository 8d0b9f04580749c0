import type { ProvisionEnvironment } from '@pipewright/contracts';

/** What a provision command asks a driver to run; `driver` picks the implementation. */
export type EnvironmentSpec = ProvisionEnvironment['spec'];
export type DriverName = EnvironmentSpec['driver'];

/** Driver-specific facts about a resource (pid, port, ...): stored, put in events, and enough to find it again. */
export type ResourceDetails = Record<string, string | number | boolean>;

/** One thing a driver started and someone pays for while it exists. */
export interface DriverResource {
  /** Unique across all environments: the cost reporter prices resources by it. */
  readonly id: string;
  /** `process`, later `container`, `vm`, `database`... */
  readonly type: string;
  readonly startedAt: Date;
  readonly details: ResourceDetails;
}

/** What `create` started. Resources are returned before they are ready so the caller can record them first. */
export interface CreatedEnvironment {
  /** Where people and tests reach the environment. */
  readonly url?: string;
  readonly resources: readonly DriverResource[];
  /**
   * Resolves once the environment answers; rejects with EnvironmentNotReady otherwise. Resources are
   * left as they are either way: the caller destroys them, so there is one place that cleans up.
   */
  ready(): Promise<void>;
}

/**
 * One way of creating environments. `local-process` is the first; containers and cloud drivers follow.
 * Drivers own nothing in the database: the environment service records what they return.
 */
export interface EnvironmentDriver<S extends EnvironmentSpec = EnvironmentSpec> {
  readonly name: S['driver'];
  /** Starts the resources. Throws EnvironmentNotReady for a spec that cannot work (e.g. a missing cwd). */
  create(environmentId: string, spec: S): Promise<CreatedEnvironment>;
  /** Stops resources and resolves once they are gone. Idempotent: resources already gone are fine. */
  destroy(resources: readonly Pick<DriverResource, 'id' | 'details'>[]): Promise<void>;
  /** Whether a recorded resource still exists (used at start-up to find environments that died meanwhile). */
  exists(resource: Pick<DriverResource, 'id' | 'details'>): Promise<boolean>;
}

/** One driver per spec in the contract: a new spec type does not compile until its driver is registered here. */
export type EnvironmentDrivers = {
  readonly [N in DriverName]: EnvironmentDriver<Extract<EnvironmentSpec, { driver: N }>>;
};

export const ENVIRONMENT_DRIVERS = Symbol('EnvironmentDrivers');

/** The environment did not come up (bad spec, early exit, health check timeout). The message is the reason users see. */
export class EnvironmentNotReady extends Error {
  override readonly name = 'EnvironmentNotReady';
}
