import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One occasion a trigger fired, keyed by what caused it (`delivery:<id>`, `schedule:<slot>`,
 * `upstream:<runId>`): the primary key is what makes a replay start no second run.
 */
@Entity({ name: 'trigger_firings' })
export class TriggerFiring {
  @PrimaryColumn({ name: 'trigger_id', type: 'uuid' })
  triggerId!: string;

  @PrimaryColumn({ name: 'dedupe_key', type: 'text' })
  dedupeKey!: string;

  /** Null only while the run is being queued. */
  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
