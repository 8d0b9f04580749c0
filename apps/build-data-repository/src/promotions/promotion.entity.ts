import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A version promoted to an environment or stage, by a person or a tool. */
@Entity({ name: 'promotions' })
export class Promotion {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  component!: string;

  @Column({ type: 'text' })
  version!: string;

  /** An environment (`qa`, `production`) or a stage a version passes (`passed-test`). */
  @Column({ type: 'text' })
  environment!: string;

  @Column({ name: 'promoted_by', type: 'text' })
  promotedBy!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'promoted_at', type: 'timestamptz' })
  promotedAt!: Date;
}
