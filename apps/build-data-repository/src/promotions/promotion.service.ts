import { Injectable } from '@nestjs/common';
import { VERSION_PROMOTED, VersionPromoted, newCDEvent, timeOrderedUuid } from '@pipewright/contracts';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import { DataSource, type EntityManager } from 'typeorm';
import { ComponentService } from '../components/component.service';
import { Component } from '../components/component.entity';
import { Deployment } from '../deployments/deployment.entity';
import { Run } from '../runs/run.entity';
import { assertVersionExists } from '../versions/known-version';
import { Version } from '../versions/version.entity';
import { refusalOf, type PromotionFacts } from './promotion-order';
import { PromotionRefused } from './promotion.errors';
import type { EnvironmentVersions, Promote, PromotionKind, PromotionPath, PromotionStep } from './promotion.dto';
import { Promotion } from './promotion.entity';

interface StepRow {
  component: string;
  version: string;
  kind: PromotionKind;
  environment: string;
  by: string;
  reason: string | null;
  at: Date;
  deployment_id: string | null;
}

/**
 * Where versions have been: promotions people and tools record, and deployments events report, read
 * together as one path per version and as "what is where now" per environment.
 */
@Injectable()
export class PromotionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly components: ComponentService,
    private readonly outbox: OutboxWriter,
    private readonly bus: EventBus,
  ) {}

  /**
   * Records the promotion and announces it (`pipewright-version.promoted`) in one transaction, when the
   * version may go there (see promotion-order.ts).
   * @throws ComponentNotFound, VersionNotFound, PromotionRefused
   */
  async promote(component: string, version: string, request: Promote): Promise<PromotionStep> {
    const { promotionPath } = await this.components.get(component);
    return this.dataSource.transaction(async (manager) => {
      await assertVersionExists(manager, component, version);
      // One promotion of a version at a time: a step must not be taken while the one before is being undone.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `promotion:${component}@${version}`,
      ]);
      const refusal = refusalOf(request.environment, await this.factsOf(manager, component, version, promotionPath));
      if (refusal !== null) {
        throw new PromotionRefused(
          { component, version, environment: request.environment, path: promotionPath },
          refusal,
        );
      }
      const event = newCDEvent(
        VERSION_PROMOTED,
        this.bus.source,
        {
          id: `${component}@${version}`,
          source: this.bus.source,
          content: {
            component,
            version,
            environment: request.environment,
            by: request.by,
            ...(request.reason === undefined ? {} : { reason: request.reason }),
          },
        },
        {},
      );
      const promotedAt = new Date(event.context.timestamp);
      await manager.insert(Promotion, {
        id: timeOrderedUuid(),
        component,
        version,
        environment: request.environment,
        promotedBy: request.by,
        reason: request.reason ?? null,
        promotedAt,
      });
      await this.outbox.publish(manager, VersionPromoted, event);
      return {
        kind: 'promoted',
        environment: request.environment,
        by: request.by,
        reason: request.reason ?? null,
        at: promotedAt.toISOString(),
        deploymentId: null,
      };
    });
  }

  /** Where the version has been, and whether it may go further. */
  private async factsOf(
    manager: EntityManager,
    component: string,
    version: string,
    path: readonly string[],
  ): Promise<PromotionFacts> {
    const versions = manager.connection.getMetadata(Version).tablePath;
    const runs = manager.connection.getMetadata(Run).tablePath;
    const deployments = manager.connection.getMetadata(Deployment).tablePath;
    const [reached, [state]] = await Promise.all([
      manager.query<{ environment: string }[]>(
        `SELECT DISTINCT environment FROM (${stepsSql(manager)}) steps WHERE component = $1 AND version = $2`,
        [component, version],
      ),
      // Failed: its run ended without success. Rolled back: a rollback replaced it where it was current.
      manager.query<{ failed: boolean; rolled_back: boolean }[]>(
        `SELECT EXISTS (
                  SELECT 1 FROM ${versions} v JOIN ${runs} r ON r.id = v.run_id
                  WHERE v.component = $1 AND v.version = $2 AND r.outcome IN ('failure', 'error', 'cancel')
                ) AS failed,
                EXISTS (
                  SELECT 1 FROM ${deployments} rollback
                  WHERE rollback.component = $1 AND rollback.kind = 'rolledback' AND rollback.version <> $2
                    AND (SELECT before.version FROM (${stepsSql(manager)}) before
                         WHERE before.component = $1 AND before.environment = rollback.environment
                           AND before.at < rollback.deployed_at
                         ORDER BY before.at DESC LIMIT 1) = $2
                ) AS rolled_back`,
        [component, version],
      ),
    ]);
    return {
      path,
      reached: new Set(reached.map((row) => row.environment)),
      stopped: state?.failed ? 'failed' : state?.rolled_back ? 'rolled_back' : null,
    };
  }

  /**
   * Every promotion and deployment of the version, oldest first.
   * @throws ComponentNotFound, VersionNotFound
   */
  async path(component: string, version: string): Promise<PromotionPath> {
    await this.components.get(component);
    const manager = this.dataSource.manager;
    await assertVersionExists(manager, component, version);
    const rows = await manager.query<StepRow[]>(
      `SELECT * FROM (${stepsSql(manager)}) steps
       WHERE component = $1 AND version = $2
       ORDER BY at, deployment_id NULLS FIRST`,
      [component, version],
    );
    return { component, version, steps: rows.map(toStep) };
  }

  /** Per component, the version its latest promotion or deployment to `environment` put there. */
  async currentVersions(environment: string, team?: string): Promise<EnvironmentVersions> {
    const manager = this.dataSource.manager;
    const components = manager.connection.getMetadata(Component).tablePath;
    const rows = await manager.query<StepRow[]>(
      `SELECT DISTINCT ON (steps.component) steps.*
       FROM (${stepsSql(manager)}) steps
       LEFT JOIN ${components} c ON c.name = steps.component
       WHERE steps.environment = $1 AND ($2::text IS NULL OR c.team = $2)
       ORDER BY steps.component, steps.at DESC, steps.deployment_id NULLS LAST`,
      [environment, team ?? null],
    );
    return {
      environment,
      components: rows.map((row) => ({
        component: row.component,
        version: row.version,
        kind: row.kind,
        by: row.by,
        since: row.at.toISOString(),
      })),
    };
  }
}

/** Promotions and deployments as one relation of steps. */
function stepsSql(manager: EntityManager): string {
  const promotions = manager.connection.getMetadata(Promotion).tablePath;
  const deployments = manager.connection.getMetadata(Deployment).tablePath;
  return `SELECT component, version, 'promoted' AS kind, environment, promoted_by AS by, reason, promoted_at AS at,
                 NULL::text AS deployment_id
          FROM ${promotions}
          UNION ALL
          SELECT component, version, kind, environment, deployed_by, NULL, deployed_at, id
          FROM ${deployments}`;
}

function toStep(row: StepRow): PromotionStep {
  return {
    kind: row.kind,
    environment: row.environment,
    by: row.by,
    reason: row.reason,
    at: row.at.toISOString(),
    deploymentId: row.deployment_id,
  };
}
