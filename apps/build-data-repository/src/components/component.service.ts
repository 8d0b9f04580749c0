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
    return (await this.registerMany(manager, [ownership])).get(ownership.name)!;
  }

  /** `register` for many components in two statements, by name; the last ownership of a name wins. */
  async registerMany(
    manager: EntityManager,
    ownerships: readonly ComponentOwnership[],
  ): Promise<Map<string, RegisteredComponent>> {
    const table = manager.connection.getMetadata(Component).tablePath;
    const wanted = new Map(ownerships.map((o) => [o.name, o]));
    const registered = new Map<string, RegisteredComponent>();
    if (wanted.size === 0) return registered;
    // Usually nothing changed: then no row lock, which would make concurrent runs of the component wait.
    const known = await manager.query<(RegisteredComponent & { team: string; solution: string })[]>(
      `SELECT name, team, solution, version_scheme AS "versionScheme", version_pattern AS "versionPattern"
       FROM ${table} WHERE name = ANY($1::text[])`,
      [[...wanted.keys()]],
    );
    for (const { name, team, solution, versionScheme, versionPattern } of known) {
      const ownership = wanted.get(name)!;
      if (ownership.team === team && ownership.solution === solution)
        registered.set(name, { name, versionScheme, versionPattern });
    }
    // Sorted: concurrent transactions lock component rows in one order.
    const changed = [...wanted.values()]
      .filter((o) => !registered.has(o.name))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    if (changed.length === 0) return registered;
    const rows = await manager.query<RegisteredComponent[]>(
      `INSERT INTO ${table} (name, team, solution)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (name) DO UPDATE SET team = EXCLUDED.team, solution = EXCLUDED.solution, updated_at = now()
       RETURNING name, version_scheme AS "versionScheme", version_pattern AS "versionPattern"`,
      [changed.map((o) => o.name), changed.map((o) => o.team), changed.map((o) => o.solution)],
    );
    for (const row of rows) registered.set(row.name, row);
    if (registered.size !== wanted.size) throw new Error('upserting components returned fewer rows than sent');
    return registered;
  }

  /**
   * Creates or replaces the component. A new version pattern starts a new series with its next allocation;
   * versions already handed out stay as they are.
   */
  async put(name: string, body: PutComponentBody): Promise<{ component: Component; created: boolean }> {
    const table = this.components.metadata.tablePath;
    const [row] = await this.components.query<{ created: boolean }[]>(
      `INSERT INTO ${table} (name, team, solution, repository_url, version_scheme, version_pattern, promotion_path)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (name) DO UPDATE SET team = EXCLUDED.team, solution = EXCLUDED.solution,
         repository_url = EXCLUDED.repository_url, version_scheme = EXCLUDED.version_scheme,
         version_pattern = EXCLUDED.version_pattern, promotion_path = EXCLUDED.promotion_path, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [
        name,
        body.team,
        body.solution,
        body.repositoryUrl,
        body.versionScheme,
        body.versionPattern ?? null,
        body.promotionPath,
      ],
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
    const select = this.components
      .createQueryBuilder('c')
      .orderBy('c.name', 'ASC')
      .limit(query.limit + 1);
    if (query.team) select.andWhere('c.team = :team', { team: query.team });
    if (query.solution) select.andWhere('c.solution = :solution', { solution: query.solution });
    if (query.cursor) select.andWhere('c.name > :after', { after: query.cursor[0] });
    return toPage(await select.getMany(), query.limit, (c) => [c.name], toComponentResponse);
  }
}
