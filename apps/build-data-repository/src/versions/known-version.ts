import type { EntityManager } from 'typeorm';
import { Version } from './version.entity';
import { VersionNotFound } from './version.errors';

/**
 * Test reports, artifacts and promotions hang off an allocated version: one the build-data repository
 * never handed out is a typo or a version from elsewhere, and is refused rather than recorded.
 * @throws VersionNotFound
 */
export async function assertVersionExists(manager: EntityManager, component: string, version: string): Promise<void> {
  if (!(await manager.existsBy(Version, { component, version }))) throw new VersionNotFound(component, version);
}
