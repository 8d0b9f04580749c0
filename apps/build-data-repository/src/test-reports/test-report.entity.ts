import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Outcome } from '@pipewright/contracts';
import { bigintAsNumber } from '../database/bigint-number.transformer';

/** One test suite run: a JUnit report a test task attached to a run, with its counts. */
@Entity({ name: 'test_reports' })
export class TestReport {
  /** The test suite run's id (the CDEvent subject id). */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'run_id', type: 'text' })
  runId!: string;

  @Column({ name: 'task_run_id', type: 'text', nullable: true })
  taskRunId!: string | null;

  @Column({ name: 'task_name', type: 'text', nullable: true })
  taskName!: string | null;

  @Column({ type: 'text' })
  component!: string;

  @Column({ type: 'text', nullable: true })
  version!: string | null;

  @Column({ type: 'text', nullable: true })
  revision!: string | null;

  @Column({ type: 'text' })
  environment!: string;

  @Column({ type: 'text' })
  outcome!: Outcome;

  @Column({ type: 'integer' })
  tests!: number;

  @Column({ type: 'integer' })
  passed!: number;

  @Column({ type: 'integer' })
  failed!: number;

  @Column({ type: 'integer' })
  errors!: number;

  @Column({ type: 'integer' })
  skipped!: number;

  /** Cases that passed only on a rerun. */
  @Column({ type: 'integer' })
  flaky!: number;

  @Column({ name: 'duration_ms', type: 'bigint', transformer: bigintAsNumber })
  durationMs!: number;

  /** Why the report's XML could not be read; such a report has no suites. */
  @Column({ name: 'parse_error', type: 'text', nullable: true })
  parseError!: string | null;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt!: Date;

  @Column({ name: 'received_at', type: 'timestamptz', insert: false, update: false })
  receivedAt!: Date;
}
