import { DestroyEnvironment, ProvisionEnvironment } from './environments/environment.commands';
import { EnvironmentCreated, EnvironmentDeleted, EnvironmentFailed } from './environments/environment.events';
import type { MessageDefinition } from './envelope/message-definition';
import { LogLines } from './logs/log-lines';
import { PipelineRunFinished, PipelineRunQueued, PipelineRunStarted } from './pipeline-runs/pipeline-run.events';
import { TaskRunFinished, TaskRunStarted } from './task-runs/task-run.events';
import { VersionAllocated } from './versions/version.events';
import { TestSuiteRunFinished } from './test-suites/testsuite-run.events';
import { ArtifactPublished } from './artifacts/artifact.events';
import { ServiceDeployed, ServiceRolledback, ServiceUpgraded } from './deployments/service.events';
import { IncidentDetected, IncidentResolved } from './incidents/incident.events';
import { VersionPromoted } from './promotions/version-promoted.events';
import { ApprovalDecided, ApprovalRequested } from './approvals/approval.events';
import {
  TaskAssignmentAccepted,
  TaskAssignmentFinished,
  TaskAssignmentHeartbeat,
} from './tasks/task-assignment.messages';

/** Every message type we know, by CloudEvents type. Consumers use it to pick the schema of what they read. */
export const allMessageDefinitions: readonly MessageDefinition[] = [
  PipelineRunQueued,
  PipelineRunStarted,
  PipelineRunFinished,
  TaskRunStarted,
  TaskRunFinished,
  EnvironmentCreated,
  EnvironmentDeleted,
  EnvironmentFailed,
  VersionAllocated,
  ProvisionEnvironment,
  DestroyEnvironment,
  LogLines,
  TestSuiteRunFinished,
  ArtifactPublished,
  ServiceDeployed,
  ServiceUpgraded,
  ServiceRolledback,
  IncidentDetected,
  IncidentResolved,
  VersionPromoted,
  ApprovalRequested,
  ApprovalDecided,
  // Pool messages (assigned, cancelled) travel on a topic per pool: see poolMessagesFor.
  TaskAssignmentAccepted,
  TaskAssignmentHeartbeat,
  TaskAssignmentFinished,
] as MessageDefinition[];

const byType = new Map(allMessageDefinitions.map((d) => [d.type, d]));

export function messageDefinitionFor(type: string): MessageDefinition | undefined {
  return byType.get(type);
}
