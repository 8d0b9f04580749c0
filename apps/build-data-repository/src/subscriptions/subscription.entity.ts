import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';

/** A team's webhook: where matching events are POSTed, and the secret they are signed with. */
@Entity({ name: 'subscriptions' })
export class Subscription {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The team that owns the subscription. */
  @Column({ type: 'text' })
  team!: string;

  @Column({ type: 'text' })
  url!: string;

  /** CloudEvents types; one ending in `*` matches by prefix. Empty: every type. */
  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes!: string[];

  /** Empty: every component. */
  @Column({ type: 'text', array: true })
  components!: string[];

  /** Events of these teams' components. Empty: every team. */
  @Column({ type: 'text', array: true })
  teams!: string[];

  /** Signs every delivery (HMAC-SHA256); never shown again after it is set. */
  @Column({ type: 'text', select: false })
  secret!: string;

  /** The event log's newest seq when the subscription was made: it receives the events after it. */
  @Column({ name: 'start_seq', type: 'bigint', transformer: bigintAsNumber })
  startSeq!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
