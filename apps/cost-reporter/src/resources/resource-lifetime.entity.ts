import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One provisioned resource from start to end, with the tags its cost is attributed by. Built from
 * `environment.created` (type, size, tags, start) and `environment.deleted` (end) in whichever order
 * they arrive: until both are in, `startedAt` (and `type`) or `endedAt` is null.
 */
@Entity({ name: 'resource_lifetimes' })
@Index('resource_lifetimes_started_at', ['startedAt'])
export class ResourceLifetime {
  @PrimaryColumn({ name: 'environment_id', type: 'text' })
  environmentId!: string;

  @PrimaryColumn({ name: 'resource_id', type: 'text' })
  resourceId!: string;

  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId!: string | null;

  /** Null while only the deletion is known. */
  @Column({ type: 'text', nullable: true })
  type!: string | null;

  @Column({ type: 'text' })
  size!: string;

  @Column({ type: 'text' })
  service!: string;

  @Column({ type: 'text' })
  team!: string;

  @Column({ type: 'text' })
  solution!: string;

  @Column({ type: 'text' })
  environment!: string;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  /** Null while the resource runs (or its deletion has not arrived yet). */
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
