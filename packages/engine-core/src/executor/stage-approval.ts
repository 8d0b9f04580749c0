import { formatDuration, type StageNode } from '@pipewright/pipeline-spec';
import { errorMessage } from './executor.errors';
import type { ApprovalDecision } from './executor.types';
import type { RunContext } from './run-context';

export type ApprovalResult =
  { kind: 'decided'; decision: ApprovalDecision } | { kind: 'cancelled' } | { kind: 'error'; reason: string };

type Race =
  | { kind: 'decided'; decision: ApprovalDecision }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'error'; error: unknown };

/**
 * Waits for the stage's approval: a decision already in the state (resume) stands; otherwise the gate
 * is asked, racing the approval's timeout (a rejection by `pipewright`) and the run's cancel.
 */
export async function approveStage(run: RunContext, stage: StageNode): Promise<ApprovalResult> {
  const approval = stage.approval;
  const state = run.stageState(stage.name);
  if (approval === undefined) throw new Error(`stage "${stage.name}" has no approval`);
  const known = state.approval?.decision;
  if (known !== undefined) return { kind: 'decided', decision: known };
  const gate = run.options.approvals;
  if (gate === undefined)
    return { kind: 'error', reason: 'the stage needs an approval, but this run has no way to ask for one' };
  if (run.cancelled) return { kind: 'cancelled' };
  state.status = 'waiting-for-approval';
  const fresh = state.approval === undefined;
  const approvalState = (state.approval ??= { requestedAt: run.iso() });
  if (fresh) await run.report('onApproval', (base) => ({ ...base, kind: 'requested', stage, approval }));
  if (run.fatal) return { kind: 'cancelled' };

  const abort = new AbortController();
  const signals = [abort.signal, run.stop.signal, ...(run.options.signal ? [run.options.signal] : [])];
  const signal = AbortSignal.any(signals);
  const racers: Promise<Race>[] = [
    gate.request({ runId: run.state.runId, stage, approval, requestedAt: approvalState.requestedAt }, signal).then(
      (decision): Race => ({ kind: 'decided', decision }),
      (error: unknown): Race => ({ kind: 'error', error }),
    ),
    new Promise<Race>((resolve) => {
      if (signal.aborted) resolve({ kind: 'aborted' });
      else signal.addEventListener('abort', () => resolve({ kind: 'aborted' }), { once: true });
    }),
  ];
  if (approval.timeoutMs !== undefined) {
    const left = approval.timeoutMs - (run.clock.now() - Date.parse(approvalState.requestedAt));
    racers.push(run.clock.sleep(Math.max(0, left), signal).then((): Race => ({ kind: 'timeout' })));
  }
  const first = await Promise.race(racers);
  abort.abort();
  if (run.fatal) return { kind: 'cancelled' };
  let decision: ApprovalDecision;
  switch (first.kind) {
    case 'decided':
      decision = first.decision;
      break;
    case 'timeout':
      decision = {
        decision: 'rejected',
        by: 'pipewright',
        at: run.iso(),
        reason: `no decision within ${formatDuration(approval.timeoutMs ?? 0)}`,
      };
      break;
    case 'aborted':
      return { kind: 'cancelled' };
    case 'error':
      if (run.cancelled) return { kind: 'cancelled' };
      return { kind: 'error', reason: `the approval could not be obtained: ${errorMessage(first.error)}` };
  }
  approvalState.decision = decision;
  await run.report('onApproval', (base) => ({ ...base, kind: 'decided', stage, approval, decision }));
  return { kind: 'decided', decision };
}
