import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Reads Postgres bigint (a string in node-postgres) as a number: seq fits easily in 2^53. */
const bigintAsNumber = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * How far the log of one task run has been forwarded. Log lines carry their position (`seq`), so a
 * redelivered or re-published batch is recognised by position even under a new message id.
 */
@Entity({ name: 'log_cursors' })
export class LogCursor {
  @PrimaryColumn({ name: 'task_run_id', type: 'text' })
  taskRunId!: string;

  /** The highest `seq` written to the sinks; 0 before the first line. */
  @Column({ name: 'last_seq', type: 'bigint', transformer: bigintAsNumber })
  lastSeq!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
