import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';
import type { FailedAttempt, TestCaseStatus } from './junit-parser';

/** One `<testcase>` of a suite. A test is identified across runs by its classname and name. */
@Entity({ name: 'test_cases' })
export class TestCase {
  @PrimaryColumn({ name: 'report_id', type: 'text' })
  reportId!: string;

  @PrimaryColumn({ name: 'suite_position', type: 'integer' })
  suitePosition!: number;

  @PrimaryColumn({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  classname!: string | null;

  @Column({ type: 'text' })
  status!: TestCaseStatus;

  @Column({ name: 'duration_ms', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  durationMs!: number | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  /** Passed only on a rerun. */
  @Column({ type: 'boolean' })
  flaky!: boolean;

  @Column({ type: 'integer' })
  reruns!: number;

  @Column({ name: 'failed_attempts', type: 'jsonb' })
  failedAttempts!: FailedAttempt[];
}
