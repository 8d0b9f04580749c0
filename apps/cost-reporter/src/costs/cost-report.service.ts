import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PriceCatalog } from '../prices/price-catalog';
import { ResourceLifetime } from '../resources/resource-lifetime.entity';
import { calculateCosts, type CostItem, type ResourceUsage, type UnpricedResource } from './cost-calculator';
import type { CostQuery, GroupBy } from './cost-query.dto';

export interface CostReport {
  currency: string;
  groupBy: GroupBy;
  from?: string;
  to?: string;
  items: CostItem[];
  unpriced: UnpricedResource[];
}

/** The column behind each grouping; a Record, so a new grouping does not compile without one. */
const GROUP_COLUMNS: Record<GroupBy, keyof ResourceLifetime & GroupBy> = {
  service: 'service',
  team: 'team',
  solution: 'solution',
  environment: 'environment',
};

@Injectable()
export class CostReportService {
  constructor(
    @InjectRepository(ResourceLifetime) private readonly lifetimes: Repository<ResourceLifetime>,
    private readonly catalog: PriceCatalog,
  ) {}

  /**
   * Cost per tag value of the resources whose lifetime overlaps the window. Lifetimes whose start is not
   * known yet (only the deletion has arrived) cannot be priced and are left out until it is.
   */
  async report(query: CostQuery, now = new Date()): Promise<CostReport> {
    const column = GROUP_COLUMNS[query.groupBy];
    const select = this.lifetimes
      .createQueryBuilder('r')
      .select(['r.environmentId', 'r.resourceId', 'r.type', 'r.size', 'r.startedAt', 'r.endedAt', `r.${column}`])
      .where('r.startedAt IS NOT NULL')
      .andWhere('r.type IS NOT NULL');
    if (query.to) select.andWhere('r.startedAt < :to', { to: query.to });
    if (query.from) select.andWhere('(r.endedAt IS NULL OR r.endedAt > :from)', { from: query.from });
    const rows = await select.getMany();

    const usages = rows.flatMap((row): ResourceUsage[] =>
      row.startedAt && row.type
        ? [
            {
              environmentId: row.environmentId,
              resourceId: row.resourceId,
              type: row.type,
              size: row.size,
              key: row[column],
              startedAt: row.startedAt,
              endedAt: row.endedAt,
            },
          ]
        : [],
    );
    const { items, unpriced } = calculateCosts(usages, this.catalog, { from: query.from, to: query.to, now });
    return {
      currency: this.catalog.currency,
      groupBy: query.groupBy,
      ...(query.from ? { from: query.from.toISOString() } : {}),
      ...(query.to ? { to: query.to.toISOString() } : {}),
      items,
      unpriced,
    };
  }
}
