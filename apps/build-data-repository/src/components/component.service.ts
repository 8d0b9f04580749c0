import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Component } from './component.entity';
import { ComponentNotFound } from './component.errors';
import type { VersionScheme } from '../versions/version-scheme';

export type RegisteredComponent = Pick<Component, 'name' | 'versionScheme'>;

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
   * can change hands). Locks the component's row until the caller's transaction ends.
   */
  async register(manager: EntityManager, ownership: ComponentOwnership): Promise<RegisteredComponent> {
    const table = manager.connection.getMetadata(Component).tablePath;
    const [row] = await manager.query<{ version_scheme: VersionScheme }[]>(
      `INSERT INTO ${table} (name, team, solution) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET team = EXCLUDED.team, solution = EXCLUDED.solution, updated_at = now()
       RETURNING version_scheme`,
      [ownership.name, ownership.team, ownership.solution],
    );
    if (!row) throw new Error(`upserting component ${ownership.name} returned no row`);
    return { name: ownership.name, versionScheme: row.version_scheme };
  }

  /** @throws ComponentNotFound */
  async get(name: string): Promise<Component> {
    const component = await this.components.findOneBy({ name });
    if (!component) throw new ComponentNotFound(name);
    return component;
  }
}
