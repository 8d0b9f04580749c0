import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';
import type { VersionScheme } from './version-scheme';

/** One allocated version of a component, linked to the run and revision it was built from. */
@Entity({ name: 'versions' })
export class Version {
  @PrimaryColumn({ type: 'text' })
  component!: string;

  @PrimaryColumn({ type: 'text' })
  version!: string;

  @Column({ type: 'text' })
  scheme!: VersionScheme;

  @Column({ type: 'text' })
  series!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  number!: number;

  /** Null for versions allocated by tools outside Pipewright. */
  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId!: string | null;

  @Column({ type: 'text', nullable: true })
  revision!: string | null;

  /** Who or what asked for it over HTTP (`requestedBy`, else the User-Agent); null for runs' versions. */
  @Column({ name: 'requested_by', type: 'text', nullable: true })
  requestedBy!: string | null;

  @Column({ name: 'allocated_at', type: 'timestamptz' })
  allocatedAt!: Date;
}
