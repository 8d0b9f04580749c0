import { randomUUID } from 'node:crypto';
import { newCDEvent, sourceOf } from '../envelope/cdevent';
import { ContractViolation } from '../envelope/contract-violation';
import { parseMessage } from '../envelope/message-definition';
import { messageDefinitionFor } from '../messages';
import {
  APPROVAL_DECIDED,
  APPROVAL_REQUESTED,
  ApprovalDecided,
  ApprovalRequested,
  approvalSubjectId,
} from './approval.events';

const runId = randomUUID();
const ownership = { component: 'orders', team: 'team-orders', solution: 'shop', pipelineName: 'classic', version: '7' };

describe('approval contracts', () => {
  it('asks for a stage approval keyed by the run, so it stays in order with the run', () => {
    const sut = ApprovalRequested;
    const event = parseMessage(
      sut,
      newCDEvent(
        APPROVAL_REQUESTED,
        sourceOf('pipeline-engine'),
        {
          id: approvalSubjectId(runId, 'production'),
          content: {
            runId,
            stage: 'production',
            approvers: ['alice', 'group:release-managers'],
            requestedAt: new Date().toISOString(),
          },
        },
        ownership,
      ),
    );

    expect(sut.key(event)).toBe(runId);
    expect(sut.subject(event)).toBe(`${runId}/production`);
    expect(messageDefinitionFor(APPROVAL_REQUESTED)).toBe(ApprovalRequested);
  });

  it('records who decided what and when, and refuses decisions it does not know', () => {
    const decided = (decision: string) =>
      newCDEvent(
        APPROVAL_DECIDED,
        sourceOf('pipeline-engine'),
        {
          id: approvalSubjectId(runId, 'production'),
          content: { runId, stage: 'production', decision, by: 'alice', at: new Date().toISOString(), comment: 'go' },
        },
        ownership,
      );

    expect(parseMessage(ApprovalDecided, decided('rejected')).subject.content).toMatchObject({
      decision: 'rejected',
      by: 'alice',
      comment: 'go',
    });
    expect(() => parseMessage(ApprovalDecided, decided('maybe'))).toThrow(ContractViolation);
    expect(messageDefinitionFor(APPROVAL_DECIDED)).toBe(ApprovalDecided);
  });
});
