import { DomainError } from '@pipewright/service-runtime';

/** Only a finished run that did not succeed everywhere can be re-run from its failed stage(s) (409). */
export class NothingToRerun extends DomainError {
  constructor(runId: string, why: string) {
    super('rerun.conflict', `Run ${runId} ${why}: there is nothing to re-run`, { details: { runId } });
  }
}
