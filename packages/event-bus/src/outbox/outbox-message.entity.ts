import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A message waiting to be published, written in the same transaction as the state change
 * it announces. The table lives in the owning service's schema (the DataSource `schema`).
 */
@Entity({ name: 'outbox' })
@Index('outbox_unsent', ['id'], { where: 'sent_at IS NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** CloudEvents id: consumers de-duplicate by it, so a re-published row is applied once. */
  @Column({ name: 'message_id', type: 'uuid', unique: true })
  messageId!: string;

  /** Logical topic; the relay adds the bus's prefix. */
  @Column({ type: 'text' })
  topic!: string;

  @Column({ name: 'partition_key', type: 'text' })
  partitionKey!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  /** Trace context of the transaction that wrote the row, so the event joins that trace. */
  @Column({ type: 'text', nullable: true })
  traceparent!: string | null;

  @Column({ type: 'text', nullable: true })
  tracestate!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
