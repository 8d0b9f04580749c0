import { Injectable } from '@nestjs/common';
import { assertTeamAccess, type Caller, ValidationError } from '@pipewright/service-runtime';
import { DataSource } from 'typeorm';
import { Run } from '../runs/run.entity';
import { RunNotFound } from '../runs/run.errors';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';
import {
  formatCursor,
  type DroppedLinesDto,
  type RunLogLineDto,
  type RunLogPageDto,
  type RunLogsQuery,
} from './run-logs.dto';

interface LineRow {
  task_run_id: string;
  seq: number;
  stream: 'stdout' | 'stderr';
  time: Date;
  text: string;
}

interface TaskRef {
  index: number;
  id: string;
  stage: string;
  task: string;
}

/** Reads the log tail of a run (task_log_lines, written by LogTailWriter). */
@Injectable()
export class RunLogsService {
  constructor(private readonly dataSource: DataSource) {}

  async page(runId: string, query: RunLogsQuery, caller: Caller): Promise<RunLogPageDto> {
    const run = await this.dataSource.manager.findOne(Run, { select: { id: true, team: true }, where: { id: runId } });
    if (!run) throw new RunNotFound(runId);
    assertTeamAccess(caller, run.team);

    const tasks = await this.tasksOf(runId);
    for (const index of query.after.keys())
      if (index >= tasks.length)
        throw new ValidationError('query parameters', [
          { path: 'after', message: `not a cursor of this run (it has ${tasks.length} tasks)` },
        ]);
    const wanted = query.task === undefined ? tasks : [this.taskNamed(tasks, query.task)];
    const after = (task: TaskRef) => query.after.get(task.index) ?? 0;

    const rows = await this.dataSource.query<LineRow[]>(
      `SELECT l.task_run_id, l.seq, l.stream, l.time, l.text
       FROM task_log_lines l
       JOIN unnest($2::uuid[], $3::int[]) AS c(task_run_id, after_seq) ON c.task_run_id = l.task_run_id
       WHERE l.run_id = $1 AND l.seq > c.after_seq
       ORDER BY l.id
       LIMIT $4`,
      [runId, wanted.map((task) => task.id), wanted.map(after), query.limit + 1],
    );
    const more = rows.length > query.limit;
    if (more) rows.pop();

    const byId = new Map(tasks.map((task) => [task.id, task]));
    const next = new Map(query.after);
    const dropped: DroppedLinesDto[] = [];
    const lines = rows.map((row): RunLogLineDto => {
      const task = byId.get(row.task_run_id)!;
      const seen = next.get(task.index) ?? 0;
      // Lines the reader has not had are missing before this one: they left the tail.
      if (row.seq > seen + 1)
        dropped.push({ taskRunId: task.id, stage: task.stage, task: task.task, lines: row.seq - seen - 1 });
      next.set(task.index, row.seq);
      return {
        taskRunId: task.id,
        stage: task.stage,
        task: task.task,
        seq: row.seq,
        stream: row.stream,
        time: row.time.toISOString(),
        text: row.text,
      };
    });
    return { lines, dropped, next: formatCursor(next), more };
  }

  /** The run's task runs in their cursor order: stages, then tasks, by position. */
  private async tasksOf(runId: string): Promise<TaskRef[]> {
    const [stages, tasks] = await Promise.all([
      this.dataSource.manager.find(StageRun, { select: { id: true, name: true, position: true }, where: { runId } }),
      this.dataSource.manager.find(TaskRun, {
        select: { id: true, name: true, position: true, stageRunId: true },
        where: { runId },
      }),
    ]);
    const stageOf = new Map(stages.map((stage) => [stage.id, stage]));
    return tasks
      .map((task) => ({ task, stage: stageOf.get(task.stageRunId)! }))
      .sort((a, b) => a.stage.position - b.stage.position || a.task.position - b.task.position)
      .map(({ task, stage }, index) => ({ index, id: task.id, stage: stage.name, task: task.name }));
  }

  private taskNamed(tasks: readonly TaskRef[], name: string): TaskRef {
    const exact = tasks.find((task) => `${task.stage}.${task.task}` === name);
    if (exact) return exact;
    const named = tasks.filter((task) => task.task === name);
    if (named.length === 1) return named[0]!;
    const message =
      named.length > 1
        ? `several stages have a task "${name}": say which, as ${named.map((t) => `${t.stage}.${t.task}`).join(' or ')}`
        : `the run has no task "${name}" (give <stage>.<task> or a task name)`;
    throw new ValidationError('query parameters', [{ path: 'task', message }]);
  }
}
