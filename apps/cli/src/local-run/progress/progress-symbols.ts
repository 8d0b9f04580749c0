import type { StageState, TaskState } from '@pipewright/engine-core';
import type { Style } from '../../output/ansi';

export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

export type Outcomeish = 'success' | 'failure' | 'error' | 'cancel' | 'skipped';

/** The mark before a finished stage or task. */
export function outcomeSymbol(outcome: Outcomeish | undefined, style: Style): string {
  switch (outcome) {
    case 'success':
      return style.green('✓');
    case 'failure':
    case 'error':
      return style.red('✗');
    case 'cancel':
      return style.yellow('⊘');
    case 'skipped':
      return style.dim('–');
    case undefined:
      return style.dim('·');
  }
}

/** `success`, `failure`, `skipped`, `running`, `waiting for approval`... with `(reused)` for carried-over results. */
export function stageStatusText(state: StageState | undefined): string {
  if (state === undefined) return 'pending';
  const reused = state.reused ? ' (reused)' : '';
  switch (state.status) {
    case 'finished':
      return `${state.outcome ?? 'finished'}${reused}`;
    case 'waiting-for-approval':
      return 'waiting for approval';
    case 'running':
    case 'pending':
      return state.status;
  }
}

export function taskStatusText(state: TaskState | undefined): string {
  if (state === undefined) return 'not run';
  const reused = state.reused ? ' (reused)' : '';
  switch (state.status) {
    case 'finished': {
      const timedOut = state.timedOut ? ' (timed out)' : '';
      return `${state.outcome ?? 'finished'}${timedOut}${reused}`;
    }
    case 'retrying':
      return `retrying (attempt ${state.attempts + 1} next)`;
    case 'running':
    case 'pending':
      return state.status;
  }
}

export function paintStatus(text: string, style: Style): string {
  if (text.startsWith('success')) return style.green(text);
  if (text.startsWith('failure') || text.startsWith('error')) return style.red(text);
  if (text.startsWith('cancel') || text.startsWith('waiting') || text.startsWith('retrying')) return style.yellow(text);
  if (text.startsWith('skipped') || text.startsWith('not run') || text.startsWith('pending')) return style.dim(text);
  return text;
}
