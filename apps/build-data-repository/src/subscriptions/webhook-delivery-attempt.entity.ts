import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One POST of a delivery and what came of it. */
@Entity({ name: 'webhook_delivery_attempts' })
export class WebhookDeliveryAttempt {
  @PrimaryColumn({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  /** 1 for the first attempt. */
  @PrimaryColumn({ type: 'integer' })
  number!: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  /** The receiver's answer; null when there was none (connection refused, timeout). */
  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  /** Why it did not count as delivered; null for a success. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
