import type {
  ApprovalEvent,
  EnvironmentEvent,
  RunEventBase,
  RunReporter,
  RunState,
  StageFinishedEvent,
  TaskLineEvent,
  WarningEvent,
} from '@pipewright/engine-core';
import { type PipelineGraph, stageTasks } from '@pipewright/pipeline-spec';
import type { OutputStream } from '../../cli-io';
import { CURSOR, type Style, truncateVisible } from '../../output/ansi';
import { formatElapsed } from '../../output/format-duration';
import { outcomeSymbol, SPINNER_FRAMES } from './progress-symbols';

const FRAME_MS = 80;
const MAX_LIVE_LINES = 30;

/**
 * A compact live view for a terminal: finished stages become permanent lines; below them, the
 * stages that are running or waiting are redrawn in place, each with its tasks, a spinner and the
 * running task's latest output line.
 */
export class LiveProgress implements RunReporter {
  private graph: PipelineGraph | undefined;
  private state: RunState | undefined;
  private readonly lastLine = new Map<string, string>();
  private readonly notes: string[] = [];
  private liveHeight = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  private stopped = false;

  constructor(
    private readonly out: OutputStream,
    private readonly style: Style,
    private readonly now: () => number = Date.now,
  ) {}

  onRunStarted(event: RunEventBase): void {
    this.remember(event);
    this.out.write(CURSOR.hide);
    const reused = Object.entries(event.state.stages).filter(([, s]) => s.reused);
    for (const [name, stage] of reused)
      this.notes.push(`${outcomeSymbol(stage.outcome, this.style)} ${name} ${this.style.dim('(reused)')}`);
    this.timer = setInterval(() => this.draw(), FRAME_MS);
    this.timer.unref();
    this.draw();
  }

  onStageStarted(event: RunEventBase): void {
    this.remember(event);
  }

  onStageFinished(event: StageFinishedEvent): void {
    this.remember(event);
    const state = event.state.stages[event.stage.name];
    const took =
      state?.startedAt && state.finishedAt
        ? formatElapsed(Date.parse(state.finishedAt) - Date.parse(state.startedAt))
        : '';
    const reason = event.outcome !== 'success' && event.reason ? `  ${this.style.dim(event.reason)}` : '';
    this.notes.push(
      `${outcomeSymbol(event.outcome, this.style)} ${event.stage.name}  ${this.style.dim(took)}${reason}`,
    );
    this.draw();
  }

  onApproval(event: ApprovalEvent): void {
    this.remember(event);
    if (event.kind === 'decided') {
      const d = event.decision;
      this.notes.push(
        `${d.decision === 'approved' ? this.style.green('✓') : this.style.red('✗')} ${event.stage.name} ${d.decision} by ${d.by}`,
      );
    }
    this.draw();
  }

  onEnvironment(event: EnvironmentEvent): void {
    this.remember(event);
    if (event.kind === 'release-failed')
      this.notes.push(
        `${this.style.red('!')} environment ${event.environment.name} could not be released: ${event.environment.releaseError ?? ''}`,
      );
  }

  onTaskStarted(event: RunEventBase & { task: { id: string } }): void {
    this.remember(event);
    this.lastLine.delete(event.task.id);
  }

  onTaskLine(event: TaskLineEvent): void {
    this.lastLine.set(event.task.id, event.line.text);
  }

  onTaskFinished(event: RunEventBase): void {
    this.remember(event);
  }

  onWarning(event: WarningEvent): void {
    this.notes.push(`${this.style.yellow('!')} ${event.taskId ? `${event.taskId}: ` : ''}${event.message}`);
  }

  onRunFinished(event: RunEventBase): void {
    this.remember(event);
    this.stop();
  }

  /** Steps aside (a prompt needs the terminal) or comes back. */
  setPaused(paused: boolean): void {
    if (paused) {
      this.clear();
      this.paused = true;
    } else {
      this.paused = false;
      this.draw();
    }
  }

  /** Removes the live area and shows the cursor again; the permanent lines stay. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flushNotes();
    this.clear();
    this.out.write(CURSOR.show);
  }

  private remember(event: RunEventBase): void {
    this.graph = event.graph;
    this.state = event.state;
  }

  private clear(): void {
    if (this.liveHeight > 0) this.out.write(CURSOR.up(this.liveHeight) + CURSOR.clearDown);
    this.liveHeight = 0;
  }

  private flushNotes(): string {
    const text = this.notes.map((n) => `${n}\n`).join('');
    this.notes.length = 0;
    return text;
  }

  private draw(): void {
    if (this.paused) return;
    this.frame++;
    const width = Math.max(20, (this.out.columns || 80) - 1);
    const live = this.timer ? this.liveLines().slice(0, MAX_LIVE_LINES) : [];
    const erase = this.liveHeight > 0 ? CURSOR.up(this.liveHeight) + CURSOR.clearDown : '';
    const notes = this.flushNotes();
    this.out.write(erase + notes + live.map((l) => `${truncateVisible(l, width)}\n`).join(''));
    this.liveHeight = live.length;
  }

  private liveLines(): string[] {
    const { graph, state } = this;
    if (!graph || !state) return [];
    const spinner = this.style.cyan(SPINNER_FRAMES[this.frame % SPINNER_FRAMES.length] ?? '*');
    const lines: string[] = [];
    const elapsed = (from?: string) => (from ? formatElapsed(this.now() - Date.parse(from)) : '');
    let pending = 0;
    for (const stage of graph.stages) {
      const stageState = state.stages[stage.name];
      if (stageState === undefined || stageState.status === 'pending') {
        pending++;
        continue;
      }
      if (stageState.status === 'finished') continue;
      if (stageState.status === 'waiting-for-approval') {
        lines.push(`${this.style.yellow('⏸')} ${stage.name}  ${this.style.yellow('waiting for approval')}`);
        continue;
      }
      const env = stageState.environment;
      lines.push(
        `${spinner} ${this.style.bold(stage.name)}  ${this.style.dim(elapsed(stageState.startedAt))}${env?.url ? `  ${this.style.dim(`${env.name} ${env.url}`)}` : ''}`,
      );
      for (const task of stageTasks(stage)) {
        const t = state.tasks[task.id];
        if (t === undefined || t.status === 'pending') continue;
        if (t.status === 'finished') {
          lines.push(
            `    ${outcomeSymbol(t.outcome, this.style)} ${task.name}  ${this.style.dim(t.durationMs !== undefined ? formatElapsed(t.durationMs) : '')}`,
          );
          continue;
        }
        const last = this.lastLine.get(task.id);
        const mark = t.status === 'retrying' ? this.style.yellow('↻') : spinner;
        const attempt = t.attempts > 1 ? ` (attempt ${t.attempts})` : '';
        lines.push(
          `    ${mark} ${task.name}${attempt}  ${this.style.dim(elapsed(t.startedAt))}${last ? `  ${this.style.dim(last)}` : ''}`,
        );
      }
    }
    if (pending > 0) lines.push(this.style.dim(`  ${pending} ${pending === 1 ? 'stage' : 'stages'} to go`));
    return lines;
  }
}
