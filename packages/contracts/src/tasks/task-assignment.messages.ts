import { z } from 'zod';
import { nameSchema } from '../common';
import { defineMessage, type MessageDefinition } from '../envelope/message-definition';
import { Topics } from '../topics';
import { poolNameSchema, tasksTopic } from './task-pool';

/**
 * The conversation between the engine and the workers of a pool about one *assignment* (one attempt of
 * one task, given to the pool). Engine -> workers on `pipewright.tasks.<pool>`: assigned, cancelled.
 * Worker -> engine on `pipewright.commands.pipeline-engine`: accepted, heartbeat, finished. Every
 * message is keyed by the run, so one run's messages stay in order; the assignment id is the subject.
 *
 * An assignment carries the task's environment, secrets included: the pool's topic (and the engine's
 * outbox) hold secrets. Restrict who may read `pipewright.tasks.*`, and never log an assignment.
 */
export const TASK_ASSIGNED = 'dev.cdeventsx.pipewright-taskassignment.assigned.0.1.0';
export const TASK_ASSIGNMENT_CANCELLED = 'dev.cdeventsx.pipewright-taskassignment.cancelled.0.1.0';
export const TASK_ASSIGNMENT_ACCEPTED = 'dev.cdeventsx.pipewright-taskassignment.accepted.0.1.0';
export const TASK_ASSIGNMENT_HEARTBEAT = 'dev.cdeventsx.pipewright-taskassignment.heartbeat.0.1.0';
export const TASK_ASSIGNMENT_FINISHED = 'dev.cdeventsx.pipewright-taskassignment.finished.0.1.0';

const isoTime = z.iso.datetime({ offset: true });

/** Worker ids show up in run errors and logs: printable, no spaces. The default is `<host>-<pid>`. */
export const workerIdSchema = z
  .string()
  .min(1, 'expected a worker id')
  .max(200, 'must be at most 200 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/,
    'use letters, digits, ".", "_", ":", "@" and "-", starting with a letter or digit',
  );

/** Task timeouts are at most 24 h (pipewright.yml). */
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export const taskAssignedSchema = z.object({
  assignmentId: z.uuid(),
  runId: z.string().min(1),
  pool: poolNameSchema,
  /** The task run (row) the log lines belong to: `pipewright.logs` is keyed by it. */
  taskRunId: z.string().min(1),
  /** `<stage>.<task>`. */
  taskId: z.string().min(1),
  stage: nameSchema,
  taskName: nameSchema,
  /** 1-based attempt of the task this assignment runs. */
  attempt: z.number().int().positive(),
  /** The task type (`shell`) and its inputs, templates already resolved. */
  uses: z.string().min(1),
  inputs: z.record(z.string(), z.json()),
  /**
   * The task's variables (its `env`, `PIPEWRIGHT_*`, secrets), laid over the worker's own base
   * environment: PATH and HOME are the worker machine's.
   */
  env: z.record(z.string(), z.string()),
  /** Values masked in every output line. */
  secrets: z.array(z.string()),
  /** Absolute path of the workspace the task runs in, on the worker's machine. */
  workspace: z.string().startsWith('/', 'must be an absolute path'),
  timeoutMs: z.number().int().positive().max(MAX_TIMEOUT_MS),
  /** Safe to run again elsewhere if the worker is lost; the engine decides, the worker just reports. */
  idempotent: z.boolean(),
  /** How often the worker must say it is still running the task. */
  heartbeatMs: z.number().int().min(100).max(600_000),
  /** For the task's lines on `pipewright.logs` (the same contract as the engine's). */
  logs: z.object({
    component: nameSchema,
    team: nameSchema,
    /** Lines of the task run published before (earlier attempts); this assignment's first line is `firstSeq + 1`. */
    firstSeq: z.number().int().nonnegative(),
  }),
  assignedAt: isoTime,
});
export type TaskAssigned = z.infer<typeof taskAssignedSchema>;

/** Stop running the assignment (kill its process group). With `workerId`, only that worker is meant. */
export const taskAssignmentCancelledSchema = z.object({
  assignmentId: z.uuid(),
  runId: z.string().min(1),
  pool: poolNameSchema,
  workerId: workerIdSchema.optional(),
  reason: z.string().min(1).max(1_000),
});
export type TaskAssignmentCancelled = z.infer<typeof taskAssignmentCancelledSchema>;

/** What every message a worker sends about an assignment carries. */
const fromWorker = z.object({ assignmentId: z.uuid(), runId: z.string().min(1), workerId: workerIdSchema });

/** A worker took the assignment; it starts the process only after this message is acknowledged. */
export const taskAssignmentAcceptedSchema = fromWorker.extend({ acceptedAt: isoTime });
export type TaskAssignmentAccepted = z.infer<typeof taskAssignmentAcceptedSchema>;

export const taskAssignmentHeartbeatSchema = fromWorker.extend({
  /** The last `seq` published so far: a replacement continues the numbering after it. */
  logLines: z.number().int().nonnegative(),
  at: isoTime,
});
export type TaskAssignmentHeartbeat = z.infer<typeof taskAssignmentHeartbeatSchema>;

export const taskAssignmentFinishedSchema = fromWorker.extend({
  outcome: z.enum(['success', 'failure', 'error', 'cancel']),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().int().nonnegative(),
  /** What the task wrote to `$PIPEWRIGHT_OUTPUT` (unmasked: later tasks need the values). */
  outputs: z.record(z.string(), z.string()),
  /** Why the outcome is `error` (or more than an exit code to say about a failure); secrets masked. */
  error: z.string().max(4_000).optional(),
  logLines: z.number().int().nonnegative(),
  finishedAt: isoTime,
});
export type TaskAssignmentFinished = z.infer<typeof taskAssignmentFinishedSchema>;

const byRun = (m: { runId: string }) => m.runId;
const byAssignment = (m: { assignmentId: string }) => m.assignmentId;

export interface PoolMessages {
  assigned: MessageDefinition<typeof taskAssignedSchema>;
  cancelled: MessageDefinition<typeof taskAssignmentCancelledSchema>;
}

const poolMessages = new Map<string, PoolMessages>();

/** The engine -> worker messages of one pool (their topic is the pool's). Throws for an invalid pool name. */
export function poolMessagesFor(pool: string): PoolMessages {
  let messages = poolMessages.get(pool);
  if (messages === undefined) {
    const topic = tasksTopic(pool);
    messages = {
      assigned: defineMessage({
        type: TASK_ASSIGNED,
        topic,
        schema: taskAssignedSchema,
        key: byRun,
        subject: byAssignment,
      }),
      cancelled: defineMessage({
        type: TASK_ASSIGNMENT_CANCELLED,
        topic,
        schema: taskAssignmentCancelledSchema,
        key: byRun,
        subject: byAssignment,
      }),
    };
    poolMessages.set(pool, messages);
  }
  return messages;
}

const engineCommands = Topics.commands('pipeline-engine');

export const TaskAssignmentAccepted = defineMessage({
  type: TASK_ASSIGNMENT_ACCEPTED,
  topic: engineCommands,
  schema: taskAssignmentAcceptedSchema,
  key: byRun,
  subject: byAssignment,
});
export const TaskAssignmentHeartbeat = defineMessage({
  type: TASK_ASSIGNMENT_HEARTBEAT,
  topic: engineCommands,
  schema: taskAssignmentHeartbeatSchema,
  key: byRun,
  subject: byAssignment,
});
export const TaskAssignmentFinished = defineMessage({
  type: TASK_ASSIGNMENT_FINISHED,
  topic: engineCommands,
  schema: taskAssignmentFinishedSchema,
  key: byRun,
  subject: byAssignment,
});
