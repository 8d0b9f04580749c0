import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** ready (created) | failed | deleted: as the provisioner's newest event about it says. */
export type LongLivedEnvironmentStatus = 'ready' | 'failed' | 'deleted';

/**
 * The engine's view of one long-lived environment (`environment: qa`), kept from the provisioner's
 * events: the provisioner creates and deletes them, runs only look them up. One row per environment,
 * not per name: when `qa` is replaced, the old one's late deletion must not hide the new one.
 */
@Entity({ name: 'long_lived_environments' })
export class LongLivedEnvironment {
  /** The provisioner's id (`subject.id` of its events; not necessarily a UUID). */
  @PrimaryColumn({ name: 'environment_id', type: 'text' })
  environmentId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The component that had it provisioned. */
  @Column({ type: 'text' })
  component!: string;

  @Column({ type: 'text' })
  status!: LongLivedEnvironmentStatus;

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  /** Timestamp of the event that set the status: an older event never overwrites it. */
  @Column({ name: 'status_at', type: 'timestamptz' })
  statusAt!: Date;

  /** Timestamp of its newest created/failed event: of a name's environments, the newest one is the name's. */
  @Column({ name: 'provisioned_at', type: 'timestamptz', nullable: true })
  provisionedAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
