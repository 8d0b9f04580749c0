import { z } from 'zod';
import { nameSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const APPROVAL_REQUESTED = 'dev.cdeventsx.pipewright-approval.requested.0.1.0';
export const APPROVAL_DECIDED = 'dev.cdeventsx.pipewright-approval.decided.0.1.0';

const isoTime = z.iso.datetime({ offset: true });

/** Which stage of which run asks: the subject id is `<runId>/<stage>`, one approval per stage of a run. */
const approvalSubject = z.object({ runId: z.string().min(1), stage: nameSchema });

/** Whose run it is, so subscribers (chat bots, consoles) need no lookups to tell people. */
const approvalOwnership = z.object({
  component: nameSchema,
  team: nameSchema,
  solution: nameSchema,
  pipelineName: z.string().min(1),
  version: z.string().optional(),
});

/**
 * A stage of a run waits for a person: every `need` succeeded, and one of `approvers` (users, or groups
 * written `group:<name>`) must approve before it starts. Emitted once per stage of a run, by the
 * pipeline engine.
 */
export const approvalRequestedSchema = cdeventSchema(
  APPROVAL_REQUESTED,
  approvalSubject.extend({
    approvers: z.array(z.string().min(1)).min(1),
    requestedAt: isoTime,
    /** When nobody decides by then, the stage fails; absent: it waits as long as it takes. */
    expiresAt: isoTime.optional(),
  }),
  approvalOwnership,
);
export type ApprovalRequested = z.infer<typeof approvalRequestedSchema>;

/**
 * Someone decided: `approved` (the stage starts) or `rejected` (the stage fails, and what needs it is
 * skipped). `by` is `pipewright` when nobody decided in time.
 */
export const approvalDecidedSchema = cdeventSchema(
  APPROVAL_DECIDED,
  approvalSubject.extend({
    decision: z.enum(['approved', 'rejected']),
    by: z.string().min(1),
    at: isoTime,
    comment: z.string().optional(),
  }),
  approvalOwnership,
);
export type ApprovalDecided = z.infer<typeof approvalDecidedSchema>;

/** `<runId>/<stage>`: the subject id of a run's stage approval. */
export const approvalSubjectId = (runId: string, stage: string) => `${runId}/${stage}`;

// Keyed by run: in order with the run's other events.
const byRun = (e: { subject: { content: { runId: string } } }) => e.subject.content.runId;
const bySubject = (e: { subject: { id: string } }) => e.subject.id;

export const ApprovalRequested = defineMessage({
  type: APPROVAL_REQUESTED,
  topic: Topics.cdevents,
  schema: approvalRequestedSchema,
  key: byRun,
  subject: bySubject,
});
export const ApprovalDecided = defineMessage({
  type: APPROVAL_DECIDED,
  topic: Topics.cdevents,
  schema: approvalDecidedSchema,
  key: byRun,
  subject: bySubject,
});
