import { localProcessSpecSchema, type LocalProcessSpec } from '@pipewright/contracts';
import { z } from 'zod';

/**
 * The normalized, fully resolved pipeline: the only thing the engine reads.
 * Plain JSON (the engine stores it as the run's definition snapshot); validate a stored copy with
 * {@link pipelineGraphSchema}. Flavours, includes, shorthands and defaults are gone; expressions
 * remain as validated source text (`if`, and `${{ … }}` inside `with` and `env` strings), to be
 * evaluated while running with `evaluate` / `interpolate`.
 */
export interface PipelineGraph {
  /** Format version of this object; a reader rejects versions it does not know. */
  schemaVersion: 1;
  component: string;
  team: string;
  solution: string;
  /** The pipeline's name: `pipeline.name`, else the component. */
  name: string;
  source: GraphSource;
  /** Resolved values of the pipeline's declared inputs (defaults applied; optional inputs without a value absent). */
  inputs: Record<string, InputValue>;
  /** Every stage, in a topological order of `needs` (file order among stages that do not depend on each other). */
  stages: StageNode[];
}

export type InputValue = string | number | boolean;

export interface GraphSource {
  /** The pipewright.yml the graph was loaded from, as the caller named it. */
  file: string;
  /** Set when the pipeline comes from a flavour. */
  flavour?: { name: string; file: string };
}

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface StageNode {
  name: string;
  /** Names of the stages that must succeed before this one starts; explicit, never implied. */
  needs: string[];
  environment?: StageEnvironment;
  /** A person must approve before the stage starts (after its `needs` succeeded). */
  approval?: Approval;
  /**
   * Lifecycle: every `first` step runs whatever happens; each `main` step runs only while everything so far
   * succeeded; every `last` step runs, always. A task's `if` refines this (see `effectiveCondition`).
   */
  sections: StageSections;
  source: SourceLocation;
}

export interface StageSections {
  first: Step[];
  main: Step[];
  last: Step[];
}

export type SectionName = keyof StageSections;
export const SECTION_NAMES: readonly SectionName[] = ['first', 'main', 'last'];

/** An ephemeral environment is created for the run before the stage and destroyed after the run; a long-lived one exists already. */
export type StageEnvironment =
  | { lifetime: 'ephemeral'; name: string; size: string; spec: LocalProcessSpec }
  | { lifetime: 'long-lived'; name: string };

export interface Approval {
  /** Users, or groups written `group:<name>`, any one of whom may approve. */
  approvers: string[];
  /** How long to wait for a decision before the stage fails; absent: wait forever. */
  timeoutMs?: number;
}

/** A step of a section: one task, or parallel lanes (each lane runs its tasks in order). */
export type Step = { kind: 'task'; task: TaskNode } | { kind: 'parallel'; lanes: TaskNode[][] };

export interface TaskNode {
  /** `<stage>.<task>`: unique in the graph, stable across runs of the same definition. */
  id: string;
  name: string;
  stage: string;
  /** Task type, e.g. `shell`. */
  uses: string;
  /** Inputs of the task type, defaults applied. Strings may hold `${{ … }}` templates. */
  with: Record<string, JsonValue>;
  /** Extra environment variables. Values may hold `${{ … }}` templates. */
  env: Record<string, string>;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Condition source (without `${{ }}`), validated at load time. */
  if?: string;
  /** Worker pool that must run the task; absent: any (the local engine). */
  pool?: string;
  /** Safe to run again after a crash left its outcome unknown. */
  idempotent: boolean;
  /** Keys the task may write to `$PIPEWRIGHT_OUTPUT`; only these can be referenced by later tasks. */
  outputs: string[];
  source: SourceLocation;
}

/**
 * Attempt n (1-based) that failed is retried after `min(maxDelayMs, initialDelayMs * 2^(n-1))`,
 * reduced by a random fraction of up to `jitter` (0: exact delays, 1: anywhere between 0 and the delay).
 */
export interface RetryPolicy {
  /** Total attempts, including the first; 1 means no retry. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  jitter: number;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// The same shape as a zod schema, to validate a stored snapshot when it is read back.

const sourceLocationSchema = z.object({
  file: z.string().min(1),
  line: z.number().int().nonnegative(),
  column: z.number().int().nonnegative(),
});

const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

/** An input's value; the written language accepts the same scalars (document.schema.ts). */
export const inputValueSchema = z.union([z.string(), z.number(), z.boolean()]);

export const retryPolicySchema = z.object({
  attempts: z.number().int().min(1),
  initialDelayMs: z.number().int().nonnegative(),
  maxDelayMs: z.number().int().nonnegative(),
  jitter: z.number().min(0).max(1),
});

export const taskNodeSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  stage: z.string().min(1),
  uses: z.string().min(1),
  with: z.record(z.string(), jsonValueSchema),
  env: z.record(z.string(), z.string()),
  timeoutMs: z.number().int().positive(),
  retry: retryPolicySchema,
  if: z.string().min(1).optional(),
  pool: z.string().min(1).optional(),
  idempotent: z.boolean(),
  outputs: z.array(z.string()),
  source: sourceLocationSchema,
});

export const stepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('task'), task: taskNodeSchema }),
  z.object({ kind: z.literal('parallel'), lanes: z.array(z.array(taskNodeSchema).min(1)).min(1) }),
]);

export const stageEnvironmentSchema = z.discriminatedUnion('lifetime', [
  z.object({
    lifetime: z.literal('ephemeral'),
    name: z.string().min(1),
    size: z.string().min(1),
    spec: localProcessSpecSchema,
  }),
  z.object({ lifetime: z.literal('long-lived'), name: z.string().min(1) }),
]);

export const approvalSchema = z.object({
  approvers: z.array(z.string().min(1)).min(1),
  timeoutMs: z.number().int().positive().optional(),
});

export const stageNodeSchema = z.object({
  name: z.string().min(1),
  needs: z.array(z.string().min(1)),
  environment: stageEnvironmentSchema.optional(),
  approval: approvalSchema.optional(),
  sections: z.object({ first: z.array(stepSchema), main: z.array(stepSchema), last: z.array(stepSchema) }),
  source: sourceLocationSchema,
});

export const pipelineGraphSchema = z.object({
  schemaVersion: z.literal(1),
  component: z.string().min(1),
  team: z.string().min(1),
  solution: z.string().min(1),
  name: z.string().min(1),
  source: z.object({
    file: z.string().min(1),
    flavour: z.object({ name: z.string().min(1), file: z.string().min(1) }).optional(),
  }),
  inputs: z.record(z.string(), inputValueSchema),
  stages: z.array(stageNodeSchema).superRefine((stages, ctx) => {
    // A stored snapshot must still be a graph the engine can run: unique names, needs that exist.
    const names = new Set<string>();
    const ids = new Set<string>();
    stages.forEach((stage, index) => {
      if (names.has(stage.name))
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate stage "${stage.name}"` });
      names.add(stage.name);
      for (const section of [stage.sections.first, stage.sections.main, stage.sections.last])
        for (const step of section)
          for (const task of step.kind === 'task' ? [step.task] : step.lanes.flat()) {
            if (ids.has(task.id))
              ctx.addIssue({ code: 'custom', path: [index], message: `duplicate task id "${task.id}"` });
            ids.add(task.id);
          }
    });
    stages.forEach((stage, index) => {
      for (const need of stage.needs)
        if (!names.has(need))
          ctx.addIssue({ code: 'custom', path: [index, 'needs'], message: `unknown stage "${need}"` });
    });
  }),
});

// The interfaces above are the documentation; these lines keep the schema in step with them.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const graphSchemaMatchesType: Same<z.infer<typeof pipelineGraphSchema>, PipelineGraph> = true;
void graphSchemaMatchesType;
