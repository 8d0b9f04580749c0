import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Outcome } from '@pipewright/contracts';
import { bigintAsNumber } from '../database/bigint-number.transformer';
import type { StageStatus } from './stage-summary';

/** One stage of a run: its place in the definition, summarized from its task runs. */
@Entity({ name: 'stage_runs' })
export class StageRun {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** Index in the definition's stages; null while the definition is unknown (or it does not list the stage). */
  @Column({ type: 'integer', nullable: true })
  position!: number | null;

  @Column({ name: 'task_count', type: 'integer', nullable: true })
  taskCount!: number | null;

  @Column({ type: 'text' })
  status!: StageStatus;

  @Column({ type: 'text', nullable: true })
  outcome!: Outcome | null;

  @Column({ name: 'tasks_started', type: 'integer' })
  tasksStarted!: number;

  @Column({ name: 'tasks_finished', type: 'integer' })
  tasksFinished!: number;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  durationMs!: number | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
