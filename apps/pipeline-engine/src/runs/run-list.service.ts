import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { assertTeamAccess, type Caller, visibleTeams } from '@pipewright/service-runtime';
import { Brackets, Repository } from 'typeorm';
import { formatRunListCursor, type ListRunsQuery, type RunListDto } from './list-runs.dto';
import { toRunSummaryDto } from './run.dto';
import { Run } from './run.entity';

/** `GET /runs`: runs newest first, filtered, a page at a time; a caller sees its teams' runs only. */
@Injectable()
export class RunListService {
  constructor(@InjectRepository(Run) private readonly runs: Repository<Run>) {}

  async list(query: ListRunsQuery, caller: Caller): Promise<RunListDto> {
    if (query.team !== undefined) assertTeamAccess(caller, query.team);
    const teams = visibleTeams(caller);
    const select = this.runs
      .createQueryBuilder('run')
      .select([
        'run.id',
        'run.pipelineName',
        'run.component',
        'run.team',
        'run.solution',
        'run.revision',
        'run.version',
        'run.status',
        'run.errors',
        'run.trigger',
        'run.leaseOwner',
        'run.leaseExpiresAt',
        'run.cancelRequestedAt',
        'run.cancelRequestedBy',
        'run.cancelReason',
        'run.createdAt',
        'run.startedAt',
        'run.finishedAt',
        'run.durationMs',
      ])
      .orderBy('run.createdAt', 'DESC')
      .addOrderBy('run.id', 'DESC')
      .limit(query.limit + 1);
    if (query.component !== undefined) select.andWhere('run.component = :component', { component: query.component });
    if (query.team !== undefined) select.andWhere('run.team = :team', { team: query.team });
    else if (teams !== undefined)
      select.andWhere('run.team IN (:...teams)', { teams: teams.length > 0 ? teams : [''] });
    if (query.status !== undefined) select.andWhere('run.status IN (:...statuses)', { statuses: query.status });
    const { after } = query;
    if (after !== undefined)
      select.andWhere(
        new Brackets((where) =>
          where
            .where('run.createdAt < :afterAt', { afterAt: after.createdAt })
            .orWhere('(run.createdAt = :afterAt AND run.id < :afterId)', { afterId: after.id }),
        ),
      );
    const runs = await select.getMany();
    const more = runs.length > query.limit;
    if (more) runs.pop();
    const last = runs.at(-1);
    return {
      runs: runs.map(toRunSummaryDto),
      next: more && last ? formatRunListCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }
}
