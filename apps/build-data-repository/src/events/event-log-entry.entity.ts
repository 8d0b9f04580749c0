import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';

/** One CDEvent as received (after validation against its contract). Append-only: a trigger rejects UPDATE and DELETE. */
@Entity({ name: 'events' })
export class EventLogEntry {
  /** The CloudEvent id: a redelivered message is the same entry. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** Arrival order. */
  @Column({ type: 'bigint', insert: false, update: false, transformer: bigintAsNumber })
  seq!: number;

  @Column({ name: 'cdevent_id', type: 'text' })
  cdeventId!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId!: string | null;

  @Column({ type: 'text', nullable: true })
  component!: string | null;

  /** When it happened (the CDEvent's timestamp). */
  @Column({ type: 'timestamptz' })
  time!: Date;

  @Column({ name: 'received_at', type: 'timestamptz', insert: false, update: false })
  receivedAt!: Date;

  @Column({ type: 'jsonb' })
  payload!: unknown;
}
