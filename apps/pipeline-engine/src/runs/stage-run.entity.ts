import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { StageStatus } from './run-status';

/** One stage of a run; stages run in `position` order. */
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
}
