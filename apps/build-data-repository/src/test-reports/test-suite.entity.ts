import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';

/** One `<testsuite>` of a report, with counts over its cases. */
@Entity({ name: 'test_suites' })
export class TestSuite {
  @PrimaryColumn({ name: 'report_id', type: 'text' })
  reportId!: string;

  /** Its place in the report, from 0. */
  @PrimaryColumn({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  name!: string;

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

  @Column({ name: 'duration_ms', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  durationMs!: number | null;
}
