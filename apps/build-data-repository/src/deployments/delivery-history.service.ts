import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { Component } from '../components/component.entity';
import type { Page } from '../pagination/cursor';
import { newestFirstPage } from '../pagination/keyset';
import { Deployment } from './deployment.entity';
import { Incident } from './incident.entity';
import {
  toDeploymentView,
  toIncidentView,
  type DeploymentView,
  type IncidentView,
  type ListDeploymentsQuery,
  type ListIncidentsQuery,
} from './list-deployments.dto';

/**
 * When an incident happened: when it was detected, else (resolution reported first) when it was resolved.
 * The same expression as the `incidents_listed` index.
 */
const INCIDENT_TIME = 'COALESCE(incident.detected_at, incident.resolved_at, incident.updated_at)';

/** Reads deployments and incidents as reported, newest first, keyset-paged like the run history. */
@Injectable()
export class DeliveryHistoryService {
  constructor(
    @InjectRepository(Deployment) private readonly deployments: Repository<Deployment>,
    @InjectRepository(Incident) private readonly incidents: Repository<Incident>,
  ) {}

  listDeployments(query: ListDeploymentsQuery): Promise<Page<DeploymentView>> {
    const select = this.deployments.createQueryBuilder('deployment');
    this.filterByOwner(select, query);
    if (query.kind) select.andWhere('deployment.kind = :kind', { kind: query.kind });
    if (query.from) select.andWhere('deployment.deployed_at >= :from', { from: query.from });
    if (query.to) select.andWhere('deployment.deployed_at < :to', { to: query.to });
    return newestFirstPage(select, 'deployment.deployed_at', query, toDeploymentView);
  }

  listIncidents(query: ListIncidentsQuery): Promise<Page<IncidentView>> {
    const select = this.incidents.createQueryBuilder('incident');
    this.filterByOwner(select, query);
    if (query.status === 'open') select.andWhere('incident.resolved_at IS NULL');
    if (query.status === 'resolved') select.andWhere('incident.resolved_at IS NOT NULL');
    if (query.from) select.andWhere(`${INCIDENT_TIME} >= :from`, { from: query.from });
    if (query.to) select.andWhere(`${INCIDENT_TIME} < :to`, { to: query.to });
    return newestFirstPage(select, INCIDENT_TIME, query, toIncidentView);
  }

  /** component, team (the component's current team) and environment, on a table that has the first and last. */
  private filterByOwner<E extends ObjectLiteral>(
    select: SelectQueryBuilder<E>,
    query: { component?: string | undefined; team?: string | undefined; environment?: string | undefined },
  ): void {
    const alias = select.alias;
    if (query.component) select.andWhere(`${alias}.component = :component`, { component: query.component });
    if (query.environment) select.andWhere(`${alias}.environment = :environment`, { environment: query.environment });
    if (query.team) {
      const components = this.deployments.manager.connection.getMetadata(Component).tablePath;
      select.andWhere(`${alias}.component IN (SELECT name FROM ${components} WHERE team = :team)`, {
        team: query.team,
      });
    }
  }
}
