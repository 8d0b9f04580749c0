import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TaskStatus } from './run-status';

/** One task of a stage; `position` is its place in the stage (sections and lanes flattened, in file order). */
@Entity({ name: 'task_runs' })
export class TaskRun {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ name: 'stage_run_id', type: 'uuid' })
  stageRunId!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: TaskStatus;

  /** Attempts started so far: 0 until the task starts (and for a task skipped without starting). */
  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ name: 'exit_code', type: 'integer', nullable: true })
  exitCode!: number | null;

  @Column({ name: 'timed_out', type: 'boolean' })
  timedOut!: boolean;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  /** What the task wrote to $PIPEWRIGHT_OUTPUT, for the tasks after it. */
  @Column({ type: 'jsonb' })
  outputs!: Record<string, string>;

  /** Output lines published to the logs topic over all attempts (the last `seq`). */
  @Column({ name: 'log_lines', type: 'integer' })
  logLines!: number;

  @Column({ type: 'text', nullable: true })
  errors!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** The result was carried over from an earlier run instead of being run (re-run from failed). */
  @Column({ type: 'boolean', default: false })
  reused!: boolean;
}
