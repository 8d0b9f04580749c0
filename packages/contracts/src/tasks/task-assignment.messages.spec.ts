import { randomUUID } from 'node:crypto';
import { ContractViolation } from '../envelope/contract-violation';
import { parseMessage } from '../envelope/message-definition';
import { messageDefinitionFor } from '../messages';
import {
  TASK_ASSIGNED,
  TASK_ASSIGNMENT_FINISHED,
  TaskAssignmentAccepted,
  TaskAssignmentFinished,
  poolMessagesFor,
  type TaskAssigned,
} from './task-assignment.messages';
import { tasksTopic } from './task-pool';

const runId = randomUUID();
const assignmentId = randomUUID();

function assigned(overrides: Partial<TaskAssigned> = {}): TaskAssigned {
  return {
    assignmentId,
    runId,
    pool: 'linux',
    taskRunId: randomUUID(),
    taskId: 'build.compile',
    stage: 'build',
    taskName: 'compile',
    attempt: 1,
    uses: 'shell',
    inputs: { run: 'make', shell: 'bash' },
    env: { PIPEWRIGHT_RUN_ID: runId, TOKEN: 's3cret' },
    secrets: ['s3cret'],
    workspace: '/srv/checkout',
    timeoutMs: 60_000,
    idempotent: true,
    heartbeatMs: 1_000,
    logs: { component: 'orders', team: 'team-orders', firstSeq: 0 },
    assignedAt: new Date().toISOString(),
    ...overrides,
  };
}

describe('task assignment contracts', () => {
  it('sends assignments on the pool topic, keyed by the run', () => {
    const sut = poolMessagesFor('linux').assigned;
    const message = parseMessage(sut, assigned());

    expect(sut.topic).toBe('pipewright.tasks.linux');
    expect(sut.type).toBe(TASK_ASSIGNED);
    expect(sut.key(message)).toBe(runId);
    expect(sut.subject(message)).toBe(assignmentId);
    expect(poolMessagesFor('linux')).toBe(poolMessagesFor('linux'));
  });

  it('names every bad field of an assignment', () => {
    const bad = assigned({ workspace: 'relative/dir', timeoutMs: 0, pool: 'no spaces' });

    expect(() => parseMessage(poolMessagesFor('linux').assigned, bad)).toThrow(
      new ContractViolation(TASK_ASSIGNED, [
        {
          path: 'pool',
          message: 'use letters, digits, "_" and "-", starting with a letter or digit (at most 100)',
        },
        { path: 'workspace', message: 'must be an absolute path' },
        { path: 'timeoutMs', message: 'Too small: expected number to be >0' },
      ]),
    );
  });

  it('sends worker answers to the engine, and refuses outcomes it does not know', () => {
    const finished = {
      assignmentId,
      runId,
      workerId: 'build-host-1-4242',
      outcome: 'success',
      exitCode: 0,
      timedOut: false,
      durationMs: 12,
      outputs: { image: 'orders:7' },
      logLines: 3,
      finishedAt: new Date().toISOString(),
    };

    expect(parseMessage(TaskAssignmentFinished, finished).outputs).toEqual({ image: 'orders:7' });
    expect(TaskAssignmentFinished.topic).toBe('pipewright.commands.pipeline-engine');
    expect(messageDefinitionFor(TASK_ASSIGNMENT_FINISHED)).toBe(TaskAssignmentFinished);
    expect(() => parseMessage(TaskAssignmentFinished, { ...finished, outcome: 'skipped' })).toThrow(ContractViolation);
  });

  it('refuses worker ids with spaces', () => {
    const accepted = { assignmentId, runId, workerId: 'my worker', acceptedAt: new Date().toISOString() };

    expect(() => parseMessage(TaskAssignmentAccepted, accepted)).toThrow(
      'workerId: use letters, digits, ".", "_", ":", "@" and "-", starting with a letter or digit',
    );
  });
});

describe(tasksTopic.name, () => {
  it('names the pool topic', () => {
    expect(tasksTopic('gpu_2')).toBe('pipewright.tasks.gpu_2');
  });

  it.each([
    ['', 'expected a pool name'],
    ['../etc', 'use letters, digits, "_" and "-", starting with a letter or digit (at most 100)'],
    ['x'.repeat(101), 'must be at most 100 characters'],
  ])('refuses the pool name %j', (pool, message) => {
    expect(() => tasksTopic(pool)).toThrow(`pool name "${pool}" is invalid: ${message}`);
  });
});
