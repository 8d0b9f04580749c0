import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { toPage, type Page } from '../pagination/cursor';
import type { VersioningOf } from '../versions/version-scheme';
import { toComponentResponse, type ComponentResponse, type PutComponentBody } from './component.dto';
import { Component } from './component.entity';
import { ComponentNotFound } from './component.errors';
import type { ListComponentsQuery } from './list-components.dto';

export type RegisteredComponent = { name: string } & VersioningOf;

export interface ComponentOwnership {
  name: string;
  team: string;
  solution: string;
}

@Injectable()
export class ComponentService {
  constructor(@InjectRepository(Component) private readonly components: Repository<Component>) {}

  /**
   * Creates the component on its first run; later runs keep its team and solution current (a component
   * can change hands). When it does change, the row stays locked until the caller's transaction ends.
   */
  async register(manager: EntityManager, ownership: ComponentOwnership): Promise<RegisteredComponent> {
    const table = manager.connection.getMetadata(Component).tablePath;
    // Usually nothing changed: then no row lock, which would make concurrent runs of the component wait.
    const [known] = await manager.query<(Pick<Component, 'versionScheme' | 'versionPattern'> & { same: boolean })[]>(
      `SELECT version_scheme AS "versionScheme", version_pattern AS "versionPattern", (team = $2 AND solution = $3) AS same
       FROM ${table} WHERE name = $1`,
      [ownership.name, ownership.team, ownership.solution],
    );
    if (known?.same) return { name: ownership.name, versionScheme: known.versionScheme, versionPattern: known.versionPattern };
    const [row] = await manager.query<Pick<Component, 'versionScheme' | 'versionPattern'>[]>(
      `INSERT INTO ${table} (name, team, solution) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET team = EXCLUDED.team, solution = EXCLUDED.solution, updated_at = now()
       RETURNING version_scheme AS "versionScheme", version_pattern AS "versionPattern"`,
      [ownership.name, ownership.team, ownership.solution],
    );
    if (!row) throw new Error(`upserting component ${ownership.name} returned no row`);
    return { name: ownership.name, ...row };
  }

  /**
   * Creates or replaces the component. A new version pattern starts a new series with its next allocation;
   * versions already handed out stay as they are.
   */
  async put(name: string, body: PutComponentBody): Promise<{ component: Component; created: boolean }> {
    const table = this.components.metadata.tablePath;
    const [row] = await this.components.query<{ created: boolean }[]>(
      `INSERT INTO ${table} (name, team, solution, repository_url, version_scheme, version_pattern)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO UPDATE SET team = EXCLUDED.team, solution = EXCLUDED.solution,
         repository_url = EXCLUDED.repository_url, version_scheme = EXCLUDED.version_scheme,
         version_pattern = EXCLUDED.version_pattern, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [name, body.team, body.solution, body.repositoryUrl, body.versionScheme, body.versionPattern ?? null],
    );
    return { component: await this.get(name), created: row?.created === true };
  }

  /** @throws ComponentNotFound */
  async get(name: string): Promise<Component> {
    const component = await this.components.findOneBy({ name });
    if (!component) throw new ComponentNotFound(name);
    return component;
  }

  /** By name. */
  async list(query: ListComponentsQuery): Promise<Page<ComponentResponse>> {
    const select = this.components.createQueryBuilder('c').orderBy('c.name', 'ASC').limit(query.limit + 1);
    if (query.team) select.andWhere('c.team = :team', { team: query.team });
    if (query.solution) select.andWhere('c.solution = :solution', { solution: query.solution });
    if (query.cursor) select.andWhere('c.name > :after', { after: query.cursor[0] });
    return toPage(await select.getMany(), query.limit, (c) => [c.name], toComponentResponse);
  }
}
