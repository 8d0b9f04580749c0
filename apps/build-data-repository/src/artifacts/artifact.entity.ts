import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One artifact a component version was published as. */
@Entity({ name: 'artifacts' })
export class Artifact {
  @PrimaryColumn({ type: 'text' })
  component!: string;

  @PrimaryColumn({ type: 'text' })
  version!: string;

  /** Package URL, e.g. `pkg:oci/shop-api@sha256%3A...?repository_url=registry.example.com/shop`. */
  @PrimaryColumn({ type: 'text' })
  purl!: string;

  /** `sha256:<hex>`: what exactly was published. */
  @Column({ type: 'text' })
  digest!: string;

  /** Where to fetch it. */
  @Column({ type: 'text' })
  uri!: string;

  @Column({ name: 'sbom_uri', type: 'text', nullable: true })
  sbomUri!: string | null;

  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId!: string | null;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt!: Date;
}
