import type { Style } from '../output/ansi';
import { formatElapsed } from '../output/format-duration';
import { formatTable } from '../output/table';
import { paintStatus } from '../local-run/progress/progress-symbols';
import type { RunView } from './platform-client';

function duration(ms: number | null): string {
  return ms === null ? '' : formatElapsed(ms);
}

/** `pipewright status`: the run's header, then one row per task (a stage without tasks gets a row of its own). */
export function formatRunView(run: RunView, style: Style): string {
  const header = [
    `${style.bold(`run ${run.id}`)}  ${paintStatus(run.status, style)}${run.durationMs !== null ? `  ${formatElapsed(run.durationMs)}` : ''}`,
    `pipeline ${run.pipeline} · component ${run.component} · team ${run.team}${run.version ? ` · version ${run.version}` : ''}${run.revision ? ` · revision ${run.revision.slice(0, 12)}` : ''}`,
  ];
  if (run.errors) header.push(style.red(run.errors));
  const rows: string[][] = [];
  for (const stage of run.stages) {
    if (stage.tasks.length === 0) rows.push([stage.name, '', paintStatus(stage.status, style), '', '', '']);
    for (const task of stage.tasks)
      rows.push([
        stage.name,
        task.name,
        paintStatus(task.status, style) + (task.timedOut ? ' (timed out)' : ''),
        task.attempt > 1 ? String(task.attempt) : '',
        task.exitCode === null ? '' : String(task.exitCode),
        duration(task.durationMs),
      ]);
  }
  const table = formatTable(
    [
      { header: 'STAGE' },
      { header: 'TASK' },
      { header: 'STATUS' },
      { header: 'ATTEMPT', align: 'right' },
      { header: 'EXIT', align: 'right' },
      { header: 'DURATION', align: 'right' },
    ],
    rows,
  );
  const notes: string[] = [];
  for (const stage of run.stages) {
    if (stage.environment)
      notes.push(
        `stage ${stage.name}: environment ${stage.environment.name} ${stage.environment.status}${stage.environment.url ? ` at ${stage.environment.url}` : ''}${stage.environment.failureReason ? ` (${stage.environment.failureReason})` : ''}`,
      );
    if (stage.errors) notes.push(style.red(`stage ${stage.name}: ${stage.errors}`));
    for (const task of stage.tasks)
      if (task.errors) notes.push(style.red(`task ${stage.name}.${task.name}: ${task.errors}`));
  }
  return [...header, '', table, ...(notes.length > 0 ? ['', ...notes] : []), ''].join('\n');
}

/** What changed between two polls of a run: the run's status, stages' and tasks' statuses. */
export function runChanges(before: RunView | undefined, after: RunView): string[] {
  const changes: string[] = [];
  if (before?.status !== after.status) changes.push(`run ${after.status}${after.errors ? `: ${after.errors}` : ''}`);
  for (const stage of after.stages) {
    const previousStage = before?.stages.find((s) => s.id === stage.id);
    if (previousStage?.status !== stage.status && !(previousStage === undefined && stage.status === 'pending'))
      changes.push(`stage ${stage.name} ${stage.status}${stage.errors ? `: ${stage.errors}` : ''}`);
    const env = stage.environment;
    const previousEnv = previousStage?.environment;
    if (env && previousEnv?.status !== env.status)
      changes.push(
        `environment ${env.name} ${env.status}${env.url ? ` at ${env.url}` : ''}${env.failureReason ? `: ${env.failureReason}` : ''}`,
      );
    for (const task of stage.tasks) {
      const previousTask = previousStage?.tasks.find((t) => t.id === task.id);
      if (previousTask?.status === task.status && previousTask.attempt === task.attempt) continue;
      if (previousTask === undefined && task.status === 'pending') continue;
      const details = [
        task.attempt > 1 ? `attempt ${task.attempt}` : undefined,
        task.exitCode !== null ? `exit code ${task.exitCode}` : undefined,
        task.timedOut ? 'timed out' : undefined,
        task.durationMs !== null ? formatElapsed(task.durationMs) : undefined,
        task.status === 'success' || task.status === 'failure' ? `${task.logLines} log lines` : undefined,
      ].filter(Boolean);
      changes.push(
        `task ${stage.name}.${task.name} ${task.status}${details.length > 0 ? ` (${details.join(', ')})` : ''}${task.errors ? `: ${task.errors}` : ''}`,
      );
    }
  }
  return changes;
}
