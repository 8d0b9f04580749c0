import { isAbsolute, join, relative } from 'node:path';
import type { InlinePipeline, StartRunRequest } from '@pipewright/contracts';
import {
  loadPipeline,
  parsePipelineText,
  type LoadOptions,
  type LoadResult,
  type PipelineGraph,
  type SpecError,
} from '@pipewright/pipeline-spec';
import { PipelineInvalid } from './run.errors';
import type { StartRunBody } from './start-run.dto';

/** What a run is queued with: the one graph it executes, where, and from which revision. */
export interface RunDefinition {
  graph: PipelineGraph;
  workspace: string;
  revision?: string;
}

export interface ResolveOptions {
  /** The platform's flavour folders, searched after the repository's own `.pipewright/flavours`. */
  flavourDirs: readonly string[];
  /** Reads files (includes, flavours, pipewright.yml); default: the file system. */
  readFile?: LoadOptions['readFile'];
}

/** The name the inline body's pipeline goes by in (unlikely) errors. */
export const INLINE_FILE = 'request-body.pipeline';
export const PIPELINE_FILE = 'pipewright.yml';

/**
 * Turns either shape of `POST /runs` into the resolved graph, through pipeline-spec, so there is one
 * execution path. The inline body is a pipewright.yml document in all but two spellings
 * (`timeoutSeconds`, `readyTimeoutSeconds`), so it is rewritten into one and parsed like any other:
 * same defaults, same checks. Errors throw {@link PipelineInvalid} with each `file:line:column`.
 */
export function resolveRunDefinition(body: StartRunBody, options: ResolveOptions): RunDefinition {
  if (body.kind === 'inline') {
    const { request } = body;
    const text = JSON.stringify(inlineDocument(request), null, 2);
    // Inline pipelines cannot include files or use flavours: nothing is read from disk.
    const result = parsePipelineText(text, INLINE_FILE, { readFile: () => undefined, listDir: () => [] });
    return withRevision({ graph: graphOrThrow(result, undefined), workspace: request.workspace }, request.revision);
  }
  const { request } = body;
  if (request.graph !== undefined) {
    const graph: PipelineGraph = { ...request.graph, inputs: { ...request.graph.inputs, ...request.inputs } };
    return withRevision({ graph, workspace: request.workspace }, request.revision);
  }
  const file = join(request.workspace, PIPELINE_FILE);
  const loadOptions: LoadOptions = {
    flavourDirs: [join(request.workspace, '.pipewright', 'flavours'), ...options.flavourDirs],
    ...(request.inputs !== undefined ? { inputs: request.inputs } : {}),
    ...(options.readFile !== undefined ? { readFile: options.readFile } : {}),
  };
  const result =
    request.pipelineYaml !== undefined
      ? parsePipelineText(request.pipelineYaml, file, loadOptions)
      : loadPipeline({ ...loadOptions, file });
  return withRevision(
    { graph: graphOrThrow(result, request.workspace), workspace: request.workspace },
    request.revision,
  );
}

function withRevision(definition: RunDefinition, revision: string | undefined): RunDefinition {
  return revision === undefined ? definition : { ...definition, revision };
}

function graphOrThrow(result: LoadResult, workspace: string | undefined): PipelineGraph {
  if (result.ok) return result.graph;
  // Paths inside the workspace are shown as the user knows them: relative to the repository.
  const errors = result.errors.map((error): SpecError => {
    if (workspace === undefined || !isAbsolute(error.file)) return error;
    const inside = relative(workspace, error.file);
    return inside.startsWith('..') ? error : { ...error, file: inside };
  });
  throw new PipelineInvalid(errors);
}

/** The inline body as the pipewright.yml document it stands for. */
export function inlineDocument(request: StartRunRequest): Record<string, unknown> {
  return {
    component: request.component,
    team: request.team,
    solution: request.solution,
    pipeline: inlinePipelineDocument(request.pipeline),
  };
}

function inlinePipelineDocument(pipeline: InlinePipeline): Record<string, unknown> {
  return {
    name: pipeline.name,
    stages: pipeline.stages.map((stage) => ({
      name: stage.name,
      ...(stage.environment
        ? {
            environment: {
              name: stage.environment.name,
              size: stage.environment.size,
              command: stage.environment.command,
              ...(stage.environment.cwd !== undefined ? { cwd: stage.environment.cwd } : {}),
              healthPath: stage.environment.healthPath,
              readyTimeout: `${stage.environment.readyTimeoutSeconds}s`,
              env: stage.environment.env,
            },
          }
        : {}),
      tasks: stage.tasks.map((task) => ({
        name: task.name,
        run: task.run,
        ...(Object.keys(task.env).length > 0 ? { env: task.env } : {}),
        timeout: `${task.timeoutSeconds}s`,
      })),
    })),
  };
}
