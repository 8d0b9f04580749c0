import * as path from 'node:path';
import type { RunResult } from '@pipewright/engine-core';
import { stageTasks } from '@pipewright/pipeline-spec';
import type { Style } from '../output/ansi';
import { formatElapsed } from '../output/format-duration';
import { formatTable } from '../output/table';
import { outcomeSymbol, paintStatus, stageStatusText, taskStatusText } from './progress/progress-symbols';
import type { TaskTail } from './run-files.reporter';

export interface SummaryOptions {
  style: Style;
  /** The run's folder, shown relative to the working directory. */
  runDir: string;
  cwd: string;
  tail: (taskId: string) => TaskTail | undefined;
  mock: boolean;
}

/**
 * The end of `pipewright run`: a table of every task (stage, task, status, duration), why stages
 * that did not succeed stopped, the last lines of each failed task, and where the run's files are.
 */
export function formatRunSummary(result: RunResult, options: SummaryOptions): string {
  const { style } = options;
  const { graph, state } = result;
  const rows: string[][] = [];
  for (const stage of graph.stages) {
    const tasks = stageTasks(stage);
    const stageState = state.stages[stage.name];
    if (tasks.length === 0) {
      rows.push([stage.name, style.dim('(approval only)'), paintStatus(stageStatusText(stageState), style), '']);
      continue;
    }
    for (const task of tasks) {
      const taskState = state.tasks[task.id];
      const status =
        taskState === undefined && stageState?.status === 'finished' && stageState.outcome !== 'success'
          ? 'skipped'
          : taskStatusText(taskState);
      const attempts = taskState && taskState.attempts > 1 ? ` (${taskState.attempts} attempts)` : '';
      rows.push([
        stage.name,
        task.name,
        paintStatus(status, style) + attempts,
        taskState?.durationMs !== undefined && !taskState.reused ? formatElapsed(taskState.durationMs) : '',
      ]);
    }
  }
  const out: string[] = [
    '',
    formatTable(
      [{ header: 'STAGE' }, { header: 'TASK' }, { header: 'STATUS' }, { header: 'DURATION', align: 'right' }],
      rows,
    ),
  ];

  const stageProblems = graph.stages
    .map((stage) => ({ stage, state: state.stages[stage.name] }))
    .filter(
      ({ state: s }) => s?.status === 'finished' && s.outcome !== 'success' && s.outcome !== 'skipped' && !s.reused,
    );
  if (stageProblems.length > 0) {
    out.push('');
    for (const { stage, state: s } of stageProblems)
      out.push(
        `${outcomeSymbol(s?.outcome, style)} stage ${stage.name}: ${s?.outcome ?? ''}${s?.reason ? ` — ${s.reason}` : ''}`,
      );
  }

  for (const stage of graph.stages)
    for (const task of stageTasks(stage)) {
      const taskState = state.tasks[task.id];
      if (taskState?.reused || (taskState?.outcome !== 'failure' && taskState?.outcome !== 'error')) continue;
      const tail = options.tail(task.id);
      const why = taskState.timedOut
        ? 'timed out'
        : taskState.exitCode !== undefined && taskState.exitCode !== null
          ? `exit code ${taskState.exitCode}`
          : (taskState.reason ?? taskState.outcome);
      out.push('', style.red(style.bold(`── ${task.id} ${taskState.outcome} (${why})`)));
      if (tail === undefined || tail.lines.length === 0) {
        out.push(style.dim('   (no output)'));
        if (taskState.reason) out.push(`   ${taskState.reason}`);
        continue;
      }
      out.push(style.dim(`   last ${tail.lines.length} lines of ${path.relative(options.cwd, tail.logFile)}:`));
      for (const line of tail.lines) out.push(`   ${line}`);
    }

  const took = formatElapsed(result.durationMs);
  const where = path.relative(options.cwd, options.runDir) || '.';
  out.push(
    '',
    `${outcomeSymbol(result.outcome, style)} ${style.bold(`run ${state.runId} ${result.outcome}`)} in ${took}${options.mock ? ' (mock mode, virtual time)' : ''} · ${where}`,
  );
  if (result.outcome === 'failure')
    out.push(style.dim('  fix the failure, then continue from the failed stage: pipewright run --from-failed'));
  return out.join('\n') + '\n';
}
