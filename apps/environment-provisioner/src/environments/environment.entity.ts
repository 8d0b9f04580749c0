import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * provisioning -> ready -> deleted, or provisioning -> failed -> deleted.
 * `failed` means nothing of it runs any more (never came up, or died on its own); `deleted` means
 * someone asked for it to go and it is gone. Only `deleted` is final.
 */
export const ENVIRONMENT_STATUSES = ['provisioning', 'ready', 'failed', 'deleted'] as const;
export type EnvironmentStatus = (typeof ENVIRONMENT_STATUSES)[number];

export type EnvironmentLifetime = 'ephemeral' | 'long-lived';

@Entity({ name: 'environments' })
export class Environment {
  /** The `environmentId` of the provision command. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId!: string | null;

  @Column({ type: 'text' })
  component!: string;

  @Column({ type: 'text' })
  team!: string;

  @Column({ type: 'text' })
  solution!: string;

  @Column({ type: 'text' })
  size!: string;

  @Column({ type: 'text' })
  lifetime!: EnvironmentLifetime;

  @Column({ type: 'text' })
  driver!: string;

  @Column({ type: 'text' })
  status!: EnvironmentStatus;

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt!: Date | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
