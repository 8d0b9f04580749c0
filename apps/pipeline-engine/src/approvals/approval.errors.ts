import { DomainError } from '@pipewright/service-runtime';

export class StageNotFound extends DomainError {
  constructor(runId: string, stage: string) {
    super('stage.not_found', `Run ${runId} has no stage "${stage}"`, { details: { runId, stage } });
  }
}

/** The stage is not waiting for a decision: not there yet, decided already, or never asked for one (409). */
export class ApprovalNotWaiting extends DomainError {
  constructor(runId: string, stage: string, status: string) {
    super('approval.conflict', `Stage "${stage}" of run ${runId} is not waiting for approval (it is ${status})`, {
      details: { runId, stage, status },
    });
  }
}

/** Whoever asks is not among the stage's approvers (403). */
export class ApprovalForbidden extends DomainError {
  constructor(stage: string, by: string | undefined, approvers: readonly string[]) {
    super(
      'approval.forbidden',
      by === undefined
        ? `Say who decides ("by"): stage "${stage}" may be approved by ${approvers.join(', ')} only`
        : `${by} may not decide on stage "${stage}"; its approvers are ${approvers.join(', ')}`,
      { details: { stage, by: by ?? null, approvers } },
    );
  }
}
