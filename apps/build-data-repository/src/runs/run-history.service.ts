import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { toPage, type Page } from '../pagination/cursor';
import { toRunSummary, type ListRunsQuery, type RunSummary } from './list-runs.dto';
import { RunNotFound } from './run.errors';
import { Run } from './run.entity';
import { TaskRun } from './task-run.entity';

/** Reads runs as executed: the history list and one run's graph. */
@Injectable()
export class RunHistoryService {
  constructor(
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectRepository(TaskRun) private readonly taskRuns: Repository<TaskRun>,
  ) {}

  /**
   * Newest first by when runs were queued (a run whose queued event has not arrived yet by when it was
   * first seen), keyset-paged on (listed_at, id): each filter has an index that ends in that key.
   */
  async list(query: ListRunsQuery): Promise<Page<RunSummary>> {
    const select = this.runs
      .createQueryBuilder('run')
      .select()
      .addSelect('run.listed_at::text', 'listed_at_key')
      .orderBy('run.listedAt', 'DESC')
      .addOrderBy('run.id', 'DESC')
      .limit(query.limit + 1);
    const equal = {
      component: 'component',
      team: 'team',
      status: 'status',
      outcome: 'outcome',
      revision: 'revision',
    } as const;
    for (const [parameter, column] of Object.entries(equal)) {
      const value = query[parameter as keyof typeof equal];
      if (value !== undefined) select.andWhere(`run.${column} = :${parameter}`, { [parameter]: value });
    }
    if (query.from) select.andWhere('run.listedAt >= :from', { from: query.from });
    if (query.to) select.andWhere('run.listedAt < :to', { to: query.to });
    if (query.cursor) {
      const [listedAt, id] = query.cursor;
      select.andWhere('(run.listedAt, run.id) < (CAST(:listedAt AS timestamptz), :id)', { listedAt, id });
    }
    const { entities, raw } = await select.getRawAndEntities<{ listed_at_key: string }>();
    // No joins: raw rows and entities correspond one to one, in order.
    const rows = entities.map((run, i) => ({ run, key: raw[i]!.listed_at_key }));
    return toPage(
      rows,
      query.limit,
      (row) => [row.key, row.run.id],
      (row) => toRunSummary(row.run),
    );
  }

  /**
   * The run with every task attempt (in the order they started); its stages are derived from them.
   * @throws RunNotFound
   */
  async get(runId: string): Promise<{ run: Run; taskRuns: TaskRun[] }> {
    const [run, taskRuns] = await Promise.all([
      this.runs.findOneBy({ id: runId }),
      this.taskRuns
        .createQueryBuilder('task')
        .where('task.run_id = :runId', { runId })
        .orderBy('task.started_at', 'ASC', 'NULLS LAST')
        .addOrderBy('task.attempt', 'ASC')
        .addOrderBy('task.id', 'ASC')
        .getMany(),
    ]);
    if (!run) throw new RunNotFound(runId);
    return { run, taskRuns };
  }
}
