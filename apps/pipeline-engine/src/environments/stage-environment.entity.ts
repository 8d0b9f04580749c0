import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * provisioning -> ready | failed, then destroying -> destroyed once the run is over.
 * The provisioner owns the environment itself; this is the engine's view of the one a stage asked for.
 */
export type StageEnvironmentStatus = 'provisioning' | 'ready' | 'failed' | 'destroying' | 'destroyed';

@Entity({ name: 'stage_environments' })
export class StageEnvironment {
  /** The `environmentId` of the provision command. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ name: 'stage_run_id', type: 'uuid' })
  stageRunId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: StageEnvironmentStatus;

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt!: Date | null;

  @Column({ name: 'destroy_requested_at', type: 'timestamptz', nullable: true })
  destroyRequestedAt!: Date | null;

  @Column({ name: 'destroyed_at', type: 'timestamptz', nullable: true })
  destroyedAt!: Date | null;

  /** Why asking for its destruction failed; the run finished anyway. */
  @Column({ name: 'release_error', type: 'text', nullable: true })
  releaseError!: string | null;
}
