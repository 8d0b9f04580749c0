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
