import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ComponentService } from '../components/component.service';
import { Component } from '../components/component.entity';
import { BUILD_DATA_CONFIG } from '../config/config.module';
import type { BuildDataConfig } from '../config/env';
import { Deployment } from '../deployments/deployment.entity';
import { Incident } from '../deployments/incident.entity';
import { computeDoraMetrics, type DeploymentFact, type IncidentFact } from './dora-metrics';
import { DEFAULT_RANGE_DAYS, type DoraQuery, type DoraResponse } from './dora.dto';
import { TeamNotFound } from './dora.errors';

/**
 * DORA's four keys for a team, a component or everything, over a time range, from the stored
 * deployments and incidents of the production environments (DORA_PRODUCTION_ENVIRONMENTS).
 *
 * - A deployment is a `service.deployed` or `service.upgraded` to production; a rollback is not one (it
 *   ships no change) but fails the deployment it undid.
 * - A deployment failed when an incident in production names it (`deploymentId`), or names its revision
 *   as the root cause (`revision`, as Four Keys links incidents to changes), or when the next thing that
 *   happened to its component in that environment was a rollback.
 * - Lead time needs the commit time of the deployed revision: `commitTime` in the deployment event.
 * - Incidents count for time to restore by the moment they were detected; teams own incidents through
 *   their components.
 */
@Injectable()
export class DoraService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly components: ComponentService,
    @Inject(BUILD_DATA_CONFIG) private readonly config: BuildDataConfig,
  ) {}

  /** @throws ComponentNotFound, TeamNotFound */
  async metrics(query: DoraQuery): Promise<DoraResponse> {
    const to = query.to ?? new Date();
    const from = query.from ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * 86_400_000);
    if (query.component !== undefined) await this.components.get(query.component);
    if (query.team !== undefined && !(await this.dataSource.manager.existsBy(Component, { team: query.team }))) {
      throw new TeamNotFound(query.team);
    }
    const scope = { team: query.team ?? null, component: query.component ?? null };
    const [deployments, incidents] = await Promise.all([
      this.deployments(scope, from, to),
      this.incidents(scope, from, to),
    ]);
    return {
      scope,
      from: from.toISOString(),
      to: to.toISOString(),
      productionEnvironments: [...this.config.DORA_PRODUCTION_ENVIRONMENTS],
      ...computeDoraMetrics({ from, to, deployments, incidents }),
    };
  }

  private async deployments(scope: Scope, from: Date, to: Date): Promise<DeploymentFact[]> {
    const { deployments, incidents, components } = this.tables();
    const rows = await this.dataSource.query<{ deployed_at: Date; commit_time: Date | null; failed: boolean }[]>(
      `SELECT d.deployed_at, d.commit_time,
              EXISTS (
                SELECT 1 FROM ${incidents} i
                WHERE i.component = d.component AND i.environment = ANY($1)
                  AND (i.deployment_id = d.id OR (d.revision IS NOT NULL AND i.revision = d.revision))
              )
              OR EXISTS (
                -- Rolled back: a rollback of the component in that environment with no deployment in between.
                SELECT 1 FROM ${deployments} r
                WHERE r.kind = 'rolledback' AND r.component = d.component AND r.environment = d.environment
                  AND r.deployed_at > d.deployed_at
                  AND NOT EXISTS (
                    SELECT 1 FROM ${deployments} later
                    WHERE later.kind <> 'rolledback' AND later.component = d.component
                      AND later.environment = d.environment
                      AND later.deployed_at > d.deployed_at AND later.deployed_at < r.deployed_at
                  )
              ) AS failed
       FROM ${deployments} d
       LEFT JOIN ${components} c ON c.name = d.component
       WHERE d.kind <> 'rolledback' AND d.environment = ANY($1)
         AND d.deployed_at >= $2 AND d.deployed_at < $3
         AND ($4::text IS NULL OR d.component = $4) AND ($5::text IS NULL OR c.team = $5)`,
      [this.config.DORA_PRODUCTION_ENVIRONMENTS, from, to, scope.component, scope.team],
    );
    return rows.map((row) => ({ deployedAt: row.deployed_at, commitTime: row.commit_time, failed: row.failed }));
  }

  private async incidents(scope: Scope, from: Date, to: Date): Promise<IncidentFact[]> {
    const { incidents, components } = this.tables();
    const rows = await this.dataSource.query<{ detected_at: Date; resolved_at: Date | null }[]>(
      `SELECT i.detected_at, i.resolved_at
       FROM ${incidents} i
       LEFT JOIN ${components} c ON c.name = i.component
       WHERE i.environment = ANY($1) AND i.detected_at >= $2 AND i.detected_at < $3
         AND ($4::text IS NULL OR i.component = $4) AND ($5::text IS NULL OR c.team = $5)`,
      [this.config.DORA_PRODUCTION_ENVIRONMENTS, from, to, scope.component, scope.team],
    );
    return rows.map((row) => ({ detectedAt: row.detected_at, resolvedAt: row.resolved_at }));
  }

  private tables() {
    return {
      deployments: this.dataSource.getMetadata(Deployment).tablePath,
      incidents: this.dataSource.getMetadata(Incident).tablePath,
      components: this.dataSource.getMetadata(Component).tablePath,
    };
  }
}

interface Scope {
  team: string | null;
  component: string | null;
}
