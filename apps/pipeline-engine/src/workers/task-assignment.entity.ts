import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * assigned -> accepted -> finished, or -> abandoned when the engine gives it up (no worker took it in
 * time, the worker stopped answering, the task run is over). `assigned`/`accepted` are *live*.
 */
export type TaskAssignmentStatus = 'assigned' | 'accepted' | 'finished' | 'abandoned';

/** What the worker reported when the task ended (the worker message's fields). */
export interface AssignmentResult {
  outcome: 'success' | 'failure' | 'error' | 'cancel';
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  outputs: Record<string, string>;
  error?: string;
}

/**
 * One attempt of a task given to a worker pool: the engine's side of the conversation with the pool.
 * The assignment itself (with the task's environment) is only in the outbox message, not here.
 */
@Entity({ name: 'task_assignments' })
export class TaskAssignment {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ name: 'task_run_id', type: 'uuid' })
  taskRunId!: string;

  /** `<stage>.<task>`. */
  @Column({ name: 'task_id', type: 'text' })
  taskId!: string;

  @Column({ type: 'text' })
  pool!: string;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'boolean' })
  idempotent!: boolean;

  @Column({ type: 'text' })
  status!: TaskAssignmentStatus;

  @Column({ name: 'worker_id', type: 'text', nullable: true })
  workerId!: string | null;

  /** The assignment whose worker was lost, when this one replaces it. */
  @Column({ type: 'uuid', nullable: true })
  replaces!: string | null;

  /** The last log `seq` the worker reported; the next assignment of the task continues after it. */
  @Column({ name: 'log_lines', type: 'integer' })
  logLines!: number;

  @Column({ type: 'jsonb', nullable: true })
  result!: AssignmentResult | null;

  @Column({ name: 'abandon_reason', type: 'text', nullable: true })
  abandonReason!: string | null;

  @Column({ name: 'assigned_at', type: 'timestamptz' })
  assignedAt!: Date;

  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  /** The database's time of the worker's last sign of life (acceptance or heartbeat). */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true })
  heartbeatAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** When the result was handed to the run's executor; null for a result no engine took (yet). */
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
