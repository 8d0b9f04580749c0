import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-number.transformer';

/** The last number handed out in a component's version series; only ever incremented. */
@Entity({ name: 'version_counters' })
export class VersionCounter {
  @PrimaryColumn({ type: 'text' })
  component!: string;

  @PrimaryColumn({ type: 'text' })
  series!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  last!: number;
}
