import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An environment as far as cost goes: mostly when it was deleted, so resources that `environment.created`
 * announces after the deletion already arrived (or that the deletion did not list) still get an end.
 */
@Entity({ name: 'environments' })
export class CostEnvironment {
  @PrimaryColumn({ name: 'environment_id', type: 'text' })
  environmentId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId!: string | null;

  @Column({ type: 'text' })
  component!: string;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
