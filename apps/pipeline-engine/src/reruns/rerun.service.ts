import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { stateForRerunFromFailed } from '@pipewright/engine-core';
import { pipelineGraphSchema } from '@pipewright/pipeline-spec';
import { assertTeamAccess, type Caller } from '@pipewright/service-runtime';
import type { Repository } from 'typeorm';
import { EnvironmentService } from '../environments/environment.service';
import { runStateOf } from '../execution/run-state';
import { Run } from '../runs/run.entity';
import { RunNotFound } from '../runs/run.errors';
import { RunService } from '../runs/run.service';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';
import { NothingToRerun } from './rerun.errors';
import type { RerunDto } from './rerun.dto';

/**
 * Re-runs a finished run from its failed stage(s) on the platform, as `pipewright run --from-failed`
 * does on a laptop: a new run of the same graph, workspace and revision, in which the stages that
 * succeeded keep their results and outputs (marked reused) and the others, with everything downstream
 * of them, run again. It continues the run's version, since the outputs it reuses were made for it.
 */
@Injectable()
export class RerunService {
  private readonly logger = new Logger(RerunService.name);

  constructor(
    private readonly runs: RunService,
    private readonly environments: EnvironmentService,
    @InjectRepository(Run) private readonly runRows: Repository<Run>,
    @InjectRepository(StageRun) private readonly stageRows: Repository<StageRun>,
    @InjectRepository(TaskRun) private readonly taskRows: Repository<TaskRun>,
  ) {}

  async rerun(runId: string, by: string | undefined, caller: Caller): Promise<RerunDto> {
    const original = await this.runRows.findOneBy({ id: runId });
    if (!original) throw new RunNotFound(runId);
    assertTeamAccess(caller, original.team);
    if (original.status === 'queued' || original.status === 'running')
      throw new NothingToRerun(runId, `is still ${original.status}`);
    if (original.status === 'success') throw new NothingToRerun(runId, 'succeeded');
    const graph = pipelineGraphSchema.parse(original.definition);
    const [stages, tasks, environments] = await Promise.all([
      this.stageRows.findBy({ runId }),
      this.taskRows.findBy({ runId }),
      this.environments.findForRun(runId),
    ]);
    const kept = stateForRerunFromFailed(runStateOf(original, stages, tasks, environments), graph);
    const reusedStages = graph.stages.filter((stage) => kept.stages[stage.name]).map((stage) => stage.name);
    const run = await this.runs.queue(
      { graph, workspace: original.workspace, ...(original.revision !== null ? { revision: original.revision } : {}) },
      { type: 'rerun', of: runId, ...(by !== undefined ? { by } : {}) },
      { version: original.version, kept },
    );
    this.logger.log({ runId: run.id, of: runId, reusedStages }, 'run re-run from its failed stage(s)');
    return { id: run.id, status: run.status, of: runId, version: run.version, reusedStages };
  }
}
