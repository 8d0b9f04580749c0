import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { VersionScheme } from '../versions/version-scheme';

/** A deliverable: what runs build and versions are counted for. */
@Entity({ name: 'components' })
export class Component {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  team!: string;

  @Column({ type: 'text' })
  solution!: string;

  @Column({ name: 'repository_url', type: 'text', nullable: true })
  repositoryUrl!: string | null;

  @Column({ name: 'version_scheme', type: 'text' })
  versionScheme!: VersionScheme;

  /** For `semver`: the version with its auto-incremented part written `<n>`, e.g. `2.4.<n>`. */
  @Column({ name: 'version_pattern', type: 'text', nullable: true })
  versionPattern!: string | null;

  /** The environments and stages its versions are promoted through, in order (see promotions/promotion-order.ts). */
  @Column({ name: 'promotion_path', type: 'text', array: true })
  promotionPath!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
