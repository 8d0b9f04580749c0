import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DEPLOYMENT_KINDS = ['deployed', 'upgraded', 'rolledback'] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

/** A component version that went out to an environment (or was rolled back to there). */
@Entity({ name: 'deployments' })
export class Deployment {
  /** The CDEvent's `context.id`: incidents name the deployment that caused them by it. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  kind!: DeploymentKind;

  @Column({ type: 'text' })
  component!: string;

  /** For a rollback: the version rolled back to. */
  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'text' })
  environment!: string;

  /** The CDEvents service id (the subject). */
  @Column({ type: 'text' })
  service!: string;

  /** The artifact deployed (purl). */
  @Column({ name: 'artifact_id', type: 'text' })
  artifactId!: string;

  @Column({ type: 'text', nullable: true })
  revision!: string | null;

  /** When the deployed revision was committed: lead time for changes starts there. */
  @Column({ name: 'commit_time', type: 'timestamptz', nullable: true })
  commitTime!: Date | null;

  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId!: string | null;

  /** Who or what deployed it: `customData.deployedBy`, else the event's source. */
  @Column({ name: 'deployed_by', type: 'text' })
  deployedBy!: string;

  @Column({ name: 'deployed_at', type: 'timestamptz' })
  deployedAt!: Date;
}
