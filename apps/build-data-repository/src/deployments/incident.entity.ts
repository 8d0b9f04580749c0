import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Something broke in an environment; detected and resolved events fill in one row, in either order. */
@Entity({ name: 'incidents' })
export class Incident {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  component!: string;

  @Column({ type: 'text' })
  environment!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** The deployment that caused it, when the reporter knew. */
  @Column({ name: 'deployment_id', type: 'text', nullable: true })
  deploymentId!: string | null;

  /** The root-cause commit, when the reporter knew: ties it to the deployments of that revision. */
  @Column({ type: 'text', nullable: true })
  revision!: string | null;

  @Column({ type: 'text', nullable: true })
  version!: string | null;

  @Column({ name: 'artifact_id', type: 'text', nullable: true })
  artifactId!: string | null;

  @Column({ name: 'detected_at', type: 'timestamptz', nullable: true })
  detectedAt!: Date | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
