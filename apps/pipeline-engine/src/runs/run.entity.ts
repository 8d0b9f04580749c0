import type { triggerSchema } from '@pipewright/contracts';
import type { z } from 'zod';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunStatus } from './run-status';

/** One execution of a pipeline for a component, with the definition exactly as it runs. */
@Entity({ name: 'runs' })
export class Run {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'pipeline_name', type: 'text' })
  pipelineName!: string;

  @Column({ type: 'text' })
  component!: string;

  @Column({ type: 'text' })
  team!: string;

  @Column({ type: 'text' })
  solution!: string;

  @Column({ type: 'text', nullable: true })
  revision!: string | null;

  /** Absolute path of the checked-out repository on this host; tasks run there. */
  @Column({ type: 'text' })
  workspace!: string;

  /**
   * The resolved pipeline graph (pipeline-spec's PipelineGraph: flavours, includes and defaults applied,
   * inputs resolved), so the run can be executed, resumed and read exactly as it was. Typed as plain
   * JSON because that is what comes back: validate it with `pipelineGraphSchema` before using it.
   */
  @Column({ type: 'jsonb' })
  definition!: object;

  /** What started the run (the contracts' trigger); `of` names the run a `rerun` re-runs. */
  @Column({ type: 'jsonb' })
  trigger!: z.infer<typeof triggerSchema>;

  /** Trace context of the request that queued the run: the run's span is its child, so the run is one trace. */
  @Column({ type: 'text', nullable: true })
  traceparent!: string | null;

  @Column({ type: 'text', nullable: true })
  tracestate!: string | null;

  @Column({ type: 'text' })
  status!: RunStatus;

  /** Allocated by the build-data repository; the run starts once it is known. */
  @Column({ type: 'text', nullable: true })
  version!: string | null;

  /** Why the run did not succeed, for people. */
  @Column({ type: 'text', nullable: true })
  errors!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  /** The engine instance executing the run (PIPEWRIGHT_ENGINE_INSTANCE_ID); null while nobody does. */
  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner!: string | null;

  /** Until when the lease holds unless renewed (database time); after it, another instance may take the run over. */
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;

  /** When cancelling the run was asked for (POST /runs/:id/cancel); null unless it was. */
  @Column({ name: 'cancel_requested_at', type: 'timestamptz', nullable: true })
  cancelRequestedAt!: Date | null;

  /** Who asked (the token's name, or the body's `by` when the API is open); null if nobody said. */
  @Column({ name: 'cancel_requested_by', type: 'text', nullable: true })
  cancelRequestedBy!: string | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason!: string | null;
}
