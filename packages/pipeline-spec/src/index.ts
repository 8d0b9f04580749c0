export { loadPipeline, parsePipelineText, type LoadOptions, type LoadResult } from './language/load-pipeline';
export { format, formatErrors, type SpecError, type SpecErrorCode } from './errors/spec-error';
export {
  pipelineGraphSchema,
  stageNodeSchema,
  taskNodeSchema,
  stepSchema,
  retryPolicySchema,
  SECTION_NAMES,
  type Approval,
  type GraphSource,
  type InputValue,
  type JsonValue,
  type PipelineGraph,
  type RetryPolicy,
  type SectionName,
  type SourceLocation,
  type StageEnvironment,
  type StageNode,
  type StageSections,
  type Step,
  type TaskNode,
} from './graph/pipeline-graph';
export { topologicalOrder, orderStages, PipelineGraphError } from './graph/topological-order';
export { selectTo, selectOnly, stageTasks, graphTasks } from './graph/select';
export { toText, toMermaid } from './graph/render';
export { effectiveCondition } from './graph/effective-condition';
export {
  evaluate,
  evaluateCondition,
  interpolate,
  interpolateValue,
  toText as valueToText,
  OUTCOMES,
  RUN_FIELDS,
  type ExpressionContext,
  type JsonLike,
  type Outcome,
  type RunField,
  type TaskResultContext,
} from './expressions/evaluate';
export { ExpressionSyntaxError, parseExpression } from './expressions/parse-expression';
export { findTemplates, type TemplatePart } from './expressions/templates';
export {
  builtInTaskTypes,
  type TaskInputSpec,
  type TaskInputType,
  type TaskTypeRegistry,
  type TaskTypeSpec,
} from './task-types/task-types';
export { pipewrightJsonSchema, flavourJsonSchema, fragmentJsonSchema } from './language/document.schema';
export { parseDuration, formatDuration } from './language/durations';
export { nearest, suggestion } from './errors/suggest';
