import { DomainError } from '@pipewright/service-runtime';
import type { EntityManager } from 'typeorm';
import { Version } from '../versions/version.entity';

export class VersionNotFound extends DomainError {
  constructor(component: string, version: string) {
    super('version.not_found', `Version ${version} of ${component} does not exist`, {
      details: { component, version },
    });
  }
}

/**
 * Test reports, artifacts and promotions hang off an allocated version: one the build-data repository
 * never handed out is a typo or a version from elsewhere, and is refused rather than recorded.
 * @throws VersionNotFound
 */
export async function assertVersionExists(manager: EntityManager, component: string, version: string): Promise<void> {
  if (!(await manager.existsBy(Version, { component, version }))) throw new VersionNotFound(component, version);
}
