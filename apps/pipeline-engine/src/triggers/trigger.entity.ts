import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TriggerConfig, TriggerKind } from './create-trigger.dto';

/** Something other than a person that starts runs of a component's pipeline in a workspace. */
@Entity({ name: 'triggers' })
export class Trigger {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  component!: string;

  /** Absolute path of the checked-out repository on the engine host; its pipewright.yml is what runs. */
  @Column({ type: 'text' })
  workspace!: string;

  @Column({ type: 'text' })
  kind!: TriggerKind;

  /** The kind's settings, exactly as registered (`{ webhook }`, `{ schedule }` or `{ upstream }`). */
  @Column({ type: 'jsonb' })
  config!: TriggerConfig;

  /** Schedules only: the slot the scheduler fires next; moving it is how an engine claims a slot. */
  @Column({ name: 'next_run_at', type: 'timestamptz', nullable: true })
  nextRunAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
