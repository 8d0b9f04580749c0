import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Outcome } from '@pipewright/contracts';
import { bigintAsNumber } from '../database/bigint-number.transformer';
import type { TaskRunStatus } from './run-merge';

/** One attempt of one task of a run. */
@Entity({ name: 'task_runs' })
export class TaskRun {
  /** This and runId compare bytes (collation "C"): see the RunKeysCompareBytes migration. */
  @PrimaryColumn({ type: 'text', collation: 'C' })
  id!: string;

  @Column({ name: 'run_id', type: 'text', collation: 'C' })
  runId!: string;

  @Column({ type: 'text' })
  component!: string;

  @Column({ type: 'text' })
  stage!: string;

  @Column({ name: 'task_name', type: 'text' })
  taskName!: string;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'text' })
  status!: TaskRunStatus;

  @Column({ type: 'text', nullable: true })
  outcome!: Outcome | null;

  @Column({ name: 'exit_code', type: 'integer', nullable: true })
  exitCode!: number | null;

  @Column({ type: 'text', nullable: true })
  errors!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  durationMs!: number | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
