import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Outcome } from '@pipewright/contracts';
import { bigintAsNumber } from '../database/bigint-number.transformer';
import type { RunStatus } from './run-merge';

/** A pipeline run as executed, assembled from its events in whatever order they arrived. */
@Entity({ name: 'runs' })
export class Run {
  /** Compares bytes (collation "C"): see the RunKeysCompareBytes migration. */
  @PrimaryColumn({ type: 'text', collation: 'C' })
  id!: string;

  @Column({ name: 'pipeline_name', type: 'text' })
  pipelineName!: string;

  @Column({ type: 'text' })
  component!: string;

  @Column({ type: 'text' })
  team!: string;

  @Column({ type: 'text' })
  solution!: string;

  @Column({ type: 'text', nullable: true })
  revision!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  trigger!: { type: string; by?: string } | null;

  /** The resolved pipeline as it ran, so the run stays readable after the pipeline changes. */
  @Column({ type: 'jsonb', nullable: true })
  definition!: Record<string, unknown> | null;

  @Column({ type: 'text' })
  status!: RunStatus;

  @Column({ type: 'text', nullable: true })
  outcome!: Outcome | null;

  @Column({ type: 'text', nullable: true })
  errors!: string | null;

  @Column({ type: 'text', nullable: true })
  version!: string | null;

  @Column({ name: 'queued_at', type: 'timestamptz', nullable: true })
  queuedAt!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  durationMs!: number | null;

  /** The history list's sort key, computed by Postgres: queued_at, or the first time known until it arrives. */
  @Column({ name: 'listed_at', type: 'timestamptz', insert: false, update: false })
  listedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
