import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { StageStatus } from './run-status';

/** One stage of a run; `position` is its place in the definition (a topological order of `needs`). */
@Entity({ name: 'stage_runs' })
export class StageRun {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: StageStatus;

  @Column({ type: 'text', nullable: true })
  errors!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** When the stage asked for approval (its `needs` had succeeded); null for a stage without approval. */
  @Column({ name: 'approval_requested_at', type: 'timestamptz', nullable: true })
  approvalRequestedAt!: Date | null;

  @Column({ name: 'approval_decision', type: 'text', nullable: true })
  approvalDecision!: 'approved' | 'rejected' | null;

  /** Who decided (`pipewright` when nobody did in time). */
  @Column({ name: 'approval_by', type: 'text', nullable: true })
  approvalBy!: string | null;

  @Column({ name: 'approval_at', type: 'timestamptz', nullable: true })
  approvalAt!: Date | null;

  @Column({ name: 'approval_comment', type: 'text', nullable: true })
  approvalComment!: string | null;

  /** The result was carried over from an earlier run instead of being run (re-run from failed). */
  @Column({ type: 'boolean', default: false })
  reused!: boolean;

  /** The long-lived environment the stage ran in (its provisioner id), if it named one. */
  @Column({ name: 'long_lived_environment_id', type: 'text', nullable: true })
  longLivedEnvironmentId!: string | null;
}
