import type { CostTags } from '@pipewright/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ResourceDetails } from '../drivers/environment-driver';

/** Something a driver started for an environment, priced from `started_at` to `ended_at`. */
@Entity({ name: 'resources' })
export class EnvironmentResource {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('resources_environment_id')
  @Column({ name: 'environment_id', type: 'text' })
  environmentId!: string;

  /** `process`, ... */
  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  size!: string;

  @Column({ type: 'jsonb' })
  tags!: CostTags;

  /** What the driver needs to find it again (pid, port, ...). */
  @Column({ type: 'jsonb' })
  details!: ResourceDetails;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  /** Null while it runs (or might: see the environment's status). */
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
