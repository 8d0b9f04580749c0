import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';

/** One CDEvent as received (after validation against its contract). Append-only: a trigger rejects UPDATE and DELETE. */
@Entity({ name: 'events' })
export class EventLogEntry {
  /**
   * The CloudEvent id: a redelivered message is the same entry. This and the other indexed text columns
   * compare bytes (collation "C"): see the EventKeysCompareBytes migration.
   */
  @PrimaryColumn({ type: 'text', collation: 'C' })
  id!: string;

  /** Arrival order. */
  @Column({ type: 'bigint', insert: false, update: false, transformer: bigintAsNumber })
  seq!: number;

  @Column({ name: 'cdevent_id', type: 'text' })
  cdeventId!: string;

  @Column({ type: 'text', collation: 'C' })
  type!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true, collation: 'C' })
  subject!: string | null;

  @Column({ name: 'run_id', type: 'text', nullable: true, collation: 'C' })
  runId!: string | null;

  @Column({ type: 'text', nullable: true, collation: 'C' })
  component!: string | null;

  /** When it happened (the CDEvent's timestamp). */
  @Column({ type: 'timestamptz' })
  time!: Date;

  @Column({ name: 'received_at', type: 'timestamptz', insert: false, update: false })
  receivedAt!: Date;

  /**
   * The CDEvent's JSON as received, stored as text (ingestion validated it before appending) and parsed
   * when read.
   */
  @Column({
    type: 'text',
    transformer: { to: (value: unknown) => JSON.stringify(value), from: (text: string) => JSON.parse(text) as unknown },
  })
  payload!: unknown;
}
