import { z } from 'zod';
import { inputValueSchema } from '../graph/pipeline-graph';
import { builtInTaskTypes, type TaskInputSpec, type TaskTypeRegistry } from '../task-types/task-types';

/**
 * The written language (pipewright.yml, flavour files, fragment files) as zod schemas. They are the
 * single list of keys: the loader takes its known keys (for "did you mean") from these shapes, and
 * `pipewrightJsonSchema()` turns them into the JSON Schema editors use. The loader itself reads the
 * YAML syntax tree to keep positions; these schemas never see user input at run time.
 */

/** Stage, task, flavour and size names; the loader checks them with the same patterns. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]*$';
/** Component, team and solution names, as `@pipewright/contracts` accepts them. */
export const OWNER_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
const DURATION_PATTERN = '^([0-9]+(ms|s|m|h|d))+$';

const name = (description: string) => z.string().regex(new RegExp(NAME_PATTERN)).max(100).meta({ description });
const ownerName = (description: string) => z.string().regex(new RegExp(OWNER_PATTERN)).max(100).meta({ description });
/** Values of `env` maps: any YAML scalar, passed on as its text. */
const scalar = inputValueSchema;
const duration = (description: string) =>
  z
    .string()
    .regex(new RegExp(DURATION_PATTERN))
    .meta({ description: `${description} A duration: 30s, 5m, 1h30m, 2d.` });
const include = z
  .strictObject({ include: z.string().min(1).meta({ description: 'Path of a fragment file, relative to this file.' }) })
  .meta({ description: 'Splices in the stages or tasks of a fragment file.' });

export const retryShape = {
  attempts: z.number().int().min(1).max(100).meta({ description: 'Total attempts, including the first.' }),
  backoff: z
    .strictObject({
      initial: duration('Delay before the first retry; doubles with each retry. Default 1s.'),
      max: duration('Longest delay between attempts. Default 1m.'),
      jitter: z
        .union([z.boolean(), z.number().min(0).max(1)])
        .meta({ description: 'Random fraction taken off each delay: 0..1, true = 1, false = 0. Default 0.5.' }),
    })
    .partial()
    .meta({ description: 'Exponential backoff between attempts.' }),
};
export const backoffKeys = ['initial', 'max', 'jitter'] as const;

const expression = z.union([z.string(), z.boolean()]).meta({
  description: "A condition: `${{ tasks.build.outcome == 'success' }}`, `always()`, `failure()`, or true/false.",
});

export const taskShape = {
  name: name('Task name, unique in its stage. Later tasks refer to it as tasks.<name>.'),
  uses: z.string().min(1).meta({ description: 'Task type, e.g. shell.' }),
  run: z.string().min(1).meta({ description: 'Shorthand for `uses: shell` with `with.run`.' }),
  with: z.record(z.string(), z.unknown()).meta({ description: 'Inputs of the task type; strings may use ${{ … }}.' }),
  env: z.record(z.string(), scalar).meta({ description: 'Environment variables; values may use ${{ … }}.' }),
  timeout: duration('Kill the task after this long. Default 1h, at most 24h.'),
  retry: z
    .union([z.number().int().min(1).max(100), z.strictObject(retryShape).partial()])
    .meta({ description: 'Attempts (a number), or attempts with exponential backoff.' }),
  if: expression,
  pool: z.string().min(1).meta({ description: 'Worker pool that must run the task.' }),
  idempotent: z
    .boolean()
    .meta({ description: 'Safe to run again when a crash left its outcome unknown. Default false.' }),
  outputs: z
    .union([z.array(z.string()), z.record(z.string(), z.string())])
    .meta({ description: 'Keys the task writes to $PIPEWRIGHT_OUTPUT (a list, or a map of key to description).' }),
};

const ephemeralShape = {
  driver: z.literal('local-process').meta({ description: 'How the environment is created. Default local-process.' }),
  command: z.string().min(1).meta({ description: 'Command that starts the service; it must listen on $PORT.' }),
  cwd: z.string().min(1).meta({ description: 'Working directory of the command, relative to the workspace.' }),
  healthPath: z.string().min(1).meta({ description: 'Path (starting with /) polled until it answers 2xx. Default /.' }),
  readyTimeout: duration('How long to wait for the health check. Default 60s, at most 10m.'),
  env: z.record(z.string(), scalar).meta({ description: 'Environment of the command.' }),
};
export const ephemeralKeys = Object.keys(ephemeralShape);

export const environmentShape = {
  name: z.string().min(1).meta({ description: 'Environment name (may use ${{ inputs.* }}).' }),
  size: name('Size class, for cost. Default small.'),
  ephemeral: z
    .strictObject(ephemeralShape)
    .partial()
    .meta({ description: 'Create the environment for the run and destroy it after the run.' }),
  ...ephemeralShape,
};

export const approvalShape = {
  approvers: z
    .union([z.string(), z.array(z.string())])
    .meta({ description: 'Users, or groups written group:<name>, who may approve.' }),
  timeout: duration('Fail the stage when nobody decides within this time. Default: wait.'),
};

export const inputDeclarationShape = {
  type: z.enum(['string', 'number', 'boolean']).meta({ description: 'Default string.' }),
  default: inputValueSchema,
  required: z.boolean().meta({ description: 'The user must give a value. Default false.' }),
  description: z.string(),
};

function withSchema(inputs: Readonly<Record<string, TaskInputSpec>>, omit: string[] = []): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, spec] of Object.entries(inputs)) {
    if (omit.includes(key)) continue;
    let value: z.ZodType;
    switch (spec.type) {
      case 'string':
        value = spec.enum && spec.enum.length > 0 ? z.enum(spec.enum as [string, ...string[]]) : z.string();
        break;
      case 'number':
        value = z.number();
        break;
      case 'boolean':
        value = z.boolean();
        break;
      case 'string-list':
        value = z.array(z.string());
        break;
      case 'string-map':
        value = z.record(z.string(), z.string());
        break;
      case 'any':
        value = z.unknown();
        break;
    }
    value = value.meta({ description: spec.description });
    shape[key] = spec.required === true && spec.default === undefined ? value : value.optional();
  }
  return z.strictObject(shape);
}

/** Schemas of the written language for a registry of task types. */
export function documentSchemas(taskTypes: TaskTypeRegistry = builtInTaskTypes) {
  const { run: _run, uses: _uses, with: _with, name: taskName, ...common } = taskShape;
  const optionalCommon = z.strictObject(common).partial().shape;
  const variants: z.ZodType[] = [
    z.strictObject({
      name: taskName,
      run: taskShape.run,
      with: withSchema(builtInTaskTypes.shell?.inputs ?? {}, ['run']).optional(),
      ...optionalCommon,
    }),
    ...Object.entries(taskTypes).map(([type, spec]) =>
      z
        .strictObject({
          name: taskName,
          uses: z.literal(type),
          with: withSchema(spec.inputs).optional(),
          ...optionalCommon,
        })
        .meta({ description: spec.description }),
    ),
  ];
  const task = z.union(variants as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  const lane = z.union([task, z.array(z.union([task, include]))]);
  const parallel = z
    .strictObject({
      parallel: z
        .array(lane)
        .min(1)
        .meta({ description: 'Lanes that run at the same time; each lane runs its tasks in order.' }),
    })
    .meta({ description: 'Parallel lanes.' });
  const step = z.union([task, parallel, include]);
  const section = (description: string) => z.array(step).meta({ description });

  const environment = z
    .union([
      z.string().min(1).meta({ description: 'A long-lived environment, by name.' }),
      z
        .strictObject(environmentShape)
        .partial({ size: true, ephemeral: true, ...Object.fromEntries(ephemeralKeys.map((k) => [k, true])) }),
    ])
    .meta({ description: 'Where the stage deploys and tests.' });
  const approval = z
    .strictObject(approvalShape)
    .partial({ timeout: true })
    .meta({ description: 'A person must approve before the stage starts.' });
  const stageBody = z
    .strictObject({
      needs: z.union([name('A stage.'), z.array(name('A stage.'))]).meta({
        description:
          'Stages that must succeed first. Default: the stage before this one in the file; [] starts at once.',
      }),
      environment,
      approval,
      first: section('Tasks that all run, whatever happens.'),
      main: section('Tasks that each run only while everything so far succeeded.'),
      last: section('Tasks that all run, always (clean-up, reports).'),
      tasks: section('Shorthand for main.'),
    })
    .partial();
  const stage = z.strictObject({ name: name('Stage name, unique in the pipeline.'), ...stageBody.shape });
  const stages = z
    .union([z.array(z.union([stage, include])), z.record(z.string().regex(new RegExp(NAME_PATTERN)), stageBody)])
    .meta({ description: 'A list of stages, or a map of stage name to stage.' });
  const pipeline = z.strictObject({ name: name('Pipeline name. Default: the component.').optional(), stages });
  const inputDeclaration = z.strictObject(inputDeclarationShape).partial();

  const pipewrightFile = z
    .strictObject({
      component: ownerName('The component (service) this repository builds.'),
      team: ownerName('The team that owns it.'),
      solution: ownerName('The solution (product) it belongs to; a cost driver.'),
      flavour: name('A reusable pipeline archetype from the flavours folders.').optional(),
      inputs: z
        .record(z.string(), inputValueSchema)
        .meta({ description: "Values for the flavour's inputs." })
        .optional(),
      pipeline: pipeline.meta({ description: 'The pipeline, written here (instead of a flavour).' }).optional(),
    })
    .meta({
      title: 'pipewright.yml',
      description: "A repository's delivery pipeline: a flavour with inputs, or an inline pipeline.",
    });
  const flavourFile = z
    .strictObject({
      description: z.string().optional(),
      inputs: z.record(z.string(), inputDeclaration).optional(),
      pipeline,
    })
    .meta({ title: 'Pipewright flavour', description: 'A reusable pipeline archetype with declared inputs.' });
  const fragmentFile = z
    .strictObject({
      description: z.string().optional(),
      stages: stages.optional(),
      tasks: section('Tasks to splice into a section.').optional(),
    })
    .meta({
      title: 'Pipewright fragment',
      description: 'Stages or tasks kept in their own file and included with include:.',
    });
  /** Schemas that appear in many places become named `$defs` in the JSON Schema. */
  const definitions = new Map<z.ZodType, string>([
    [task, 'Task'],
    [step, 'Step'],
    [lane, 'Lane'],
    [parallel, 'Parallel'],
    [include, 'Include'],
    [stage, 'Stage'],
    [stageBody, 'StageBody'],
    [stages, 'Stages'],
    [environment, 'Environment'],
    [approval, 'Approval'],
    [pipeline, 'Pipeline'],
    [inputDeclaration, 'InputDeclaration'],
  ]);
  return { pipewrightFile, flavourFile, fragmentFile, stage, stageBody, pipeline, task, inputDeclaration, definitions };
}

const builtIn = documentSchemas();

/** Keys the loader knows, in the order it lists them. */
export const KEYS = {
  pipewrightFile: Object.keys(builtIn.pipewrightFile.shape),
  flavourFile: Object.keys(builtIn.flavourFile.shape),
  fragmentFile: Object.keys(builtIn.fragmentFile.shape),
  pipeline: Object.keys(builtIn.pipeline.shape),
  stage: Object.keys(builtIn.stage.shape),
  stageBody: Object.keys(builtIn.stageBody.shape),
  task: Object.keys(taskShape),
  environment: Object.keys(environmentShape),
  ephemeral: ephemeralKeys,
  approval: Object.keys(approvalShape),
  retry: Object.keys(retryShape),
  backoff: [...backoffKeys],
  inputDeclaration: Object.keys(inputDeclarationShape),
  parallel: ['parallel'],
  include: ['include'],
} as const;

/** Descriptions from `.meta()`, plus `$defs` names for the schemas of one `documentSchemas()` call. */
class DefinitionRegistry extends z.core.$ZodRegistry<z.core.GlobalMeta> {
  constructor(private readonly names: ReadonlyMap<z.ZodType, string>) {
    super();
  }

  override get<S extends z.core.$ZodType>(schema: S): z.core.GlobalMeta | undefined {
    const meta = z.globalRegistry.get(schema);
    const id = this.names.get(schema as unknown as z.ZodType);
    return id === undefined ? meta : { ...meta, id };
  }
}

function jsonSchema(
  pick: (schemas: ReturnType<typeof documentSchemas>) => z.ZodType,
  taskTypes: TaskTypeRegistry,
  id: string,
) {
  const schemas = documentSchemas(taskTypes);
  return {
    $id: `https://pipewright.dev/schema/${id}`,
    ...z.toJSONSchema(pick(schemas), {
      io: 'input',
      unrepresentable: 'any',
      metadata: new DefinitionRegistry(schemas.definitions),
    }),
  } as Record<string, unknown>;
}

/** JSON Schema (draft 2020-12) of pipewright.yml, for editors; `taskTypes` fills in `uses` and `with`. */
export function pipewrightJsonSchema(taskTypes: TaskTypeRegistry = builtInTaskTypes): Record<string, unknown> {
  return jsonSchema((s) => s.pipewrightFile, taskTypes, 'pipewright.schema.json');
}

/** JSON Schema of flavour files. */
export function flavourJsonSchema(taskTypes: TaskTypeRegistry = builtInTaskTypes): Record<string, unknown> {
  return jsonSchema((s) => s.flavourFile, taskTypes, 'flavour.schema.json');
}

/** JSON Schema of fragment files. */
export function fragmentJsonSchema(taskTypes: TaskTypeRegistry = builtInTaskTypes): Record<string, unknown> {
  return jsonSchema((s) => s.fragmentFile, taskTypes, 'fragment.schema.json');
}
