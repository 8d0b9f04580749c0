import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook subscriptions, their deliveries and every delivery attempt. */
export class Subscriptions1763830400000 implements MigrationInterface {
  name = 'Subscriptions1763830400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Empty filter arrays match everything. start_seq: the event log's newest seq when the subscription
    // was made; it receives the events stored after that.
    await queryRunner.query(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY,
        team text NOT NULL,
        url text NOT NULL,
        event_types text[] NOT NULL DEFAULT '{}',
        components text[] NOT NULL DEFAULT '{}',
        teams text[] NOT NULL DEFAULT '{}',
        secret text NOT NULL,
        start_seq bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX subscriptions_team ON subscriptions (team, created_at)`);

    // How far the event log has been matched against subscriptions: one row, moved forward in the same
    // transaction as the deliveries it creates, so a restart neither loses nor repeats an event.
    await queryRunner.query(`
      CREATE TABLE webhook_fanout (
        singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT webhook_fanout_singleton CHECK (singleton),
        last_seq bigint NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO webhook_fanout (last_seq) SELECT COALESCE(max(seq), 0) FROM events`);

    // One delivery per (subscription, event). attempts counts the attempts started; the worker that starts
    // one holds the delivery until next_attempt_at (its lease), then records the outcome.
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        event_id text NOT NULL REFERENCES events (id),
        event_type text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CONSTRAINT webhook_deliveries_status CHECK (status IN ('pending', 'succeeded', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT webhook_deliveries_once UNIQUE (subscription_id, event_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE webhook_delivery_attempts (
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        number integer NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        http_status integer,
        error text,
        PRIMARY KEY (delivery_id, number)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_delivery_attempts`);
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE webhook_fanout`);
    await queryRunner.query(`DROP TABLE subscriptions`);
  }
}
