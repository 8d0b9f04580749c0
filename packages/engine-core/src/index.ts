export {
  DEFAULT_KILL_GRACE_MS,
  OUTPUT_FILE_VARIABLE,
  runTaskProcess,
  type OutputStream,
  type TaskOutcome,
  type TaskOutputLine,
  type TaskProcessOptions,
  type TaskProcessResult,
} from './task-process/run-task-process';
export { LineSplitter, MAX_LINE_LENGTH, type LineSplitterOptions } from './task-process/line-splitter';
export { SECRET_MASK, SecretMasker, type SecretOccurrence } from './task-process/secret-masker';
export { MAX_OUTPUT_FILE_BYTES, parseOutputs, readOutputFile, type ParsedOutputs } from './task-process/output-file';
export { DEFAULT_STAGE_CONCURRENCY, NOT_IDEMPOTENT_REASON, executePipeline } from './executor/execute-pipeline';
export { retryDelay, systemClock } from './executor/clock';
export { shellQuote, shellTaskExecutor } from './executor/shell-task-executor';
export { stateForRerunFromFailed } from './executor/rerun';
export { ExecutorError, type ExecutorErrorCode } from './executor/executor.errors';
export {
  PIPEWRIGHT_VARIABLES,
  type ApprovalDecision,
  type ApprovalEvent,
  type ApprovalGate,
  type ApprovalRequest,
  type Clock,
  type EnvironmentContext,
  type EnvironmentEvent,
  type EnvironmentProvider,
  type ExecuteOptions,
  type ProvidedEnvironment,
  type RunEventBase,
  type RunFinishedEvent,
  type RunInfo,
  type RunOutcome,
  type RunReporter,
  type RunResult,
  type RunStartedEvent,
  type RunState,
  type StageApprovalState,
  type StageEnvironmentState,
  type StageFinishedEvent,
  type StageOutcome,
  type StageStartedEvent,
  type StageState,
  type StageStatus,
  type TaskExecution,
  type TaskExecutionResult,
  type TaskExecutor,
  type TaskExecutorRegistry,
  type TaskFinishedEvent,
  type TaskLineEvent,
  type TaskResult,
  type TaskResultOutcome,
  type TaskStartedEvent,
  type TaskState,
  type TaskStatus,
  type WarningEvent,
} from './executor/executor.types';
export { DEFAULT_MOCK_DURATION_MS, mockTaskExecutor } from './mock/mock-task-executor';
export { VirtualClock } from './mock/virtual-clock';
export type { MockBehaviour, MockOutcome, MockRecord, MockTaskBehaviour, MockTaskExecutor } from './mock/mock.types';
export { runPipelineTests, type PipelineTestOptions } from './pipeline-tests/run-pipeline-tests';
export type {
  PipelineTestCaseResult,
  PipelineTestFileError,
  PipelineTestsResult,
} from './pipeline-tests/pipeline-test.types';
