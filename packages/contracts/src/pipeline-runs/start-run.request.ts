import { z } from 'zod';
import { nameSchema } from '../common';
import { localProcessSpecSchema } from '../environments/environment.commands';

/**
 * `POST /runs` on the pipeline engine: an inline pipeline for a component.
 * (pipewright.yml files are resolved into this same shape by packages/pipeline-spec.)
 */
export const shellTaskSchema = z.object({
  name: nameSchema,
  /** Shell command, run with `sh -c` in the run's workspace. */
  run: z.string().min(1),
  env: z.record(z.string(), z.string()).default({}),
  timeoutSeconds: z.number().int().positive().max(86_400).default(3_600),
});
export type ShellTask = z.infer<typeof shellTaskSchema>;

/** An ephemeral environment created before the stage and destroyed after the run. */
export const stageEnvironmentSchema = localProcessSpecSchema.omit({ driver: true }).extend({
  name: nameSchema,
  size: nameSchema.default('small'),
});
export type StageEnvironment = z.infer<typeof stageEnvironmentSchema>;

export const inlineStageSchema = z
  .object({
    name: nameSchema,
    environment: stageEnvironmentSchema.optional(),
    tasks: z.array(shellTaskSchema).min(1),
  })
  .superRefine((stage, ctx) => {
    const seen = new Set<string>();
    stage.tasks.forEach((task, index) => {
      if (seen.has(task.name))
        ctx.addIssue({ code: 'custom', path: ['tasks', index, 'name'], message: `duplicate task name "${task.name}"` });
      seen.add(task.name);
    });
  });
export type InlineStage = z.infer<typeof inlineStageSchema>;

export const inlinePipelineSchema = z
  .object({ name: nameSchema, stages: z.array(inlineStageSchema).min(1) })
  .superRefine((pipeline, ctx) => {
    const seen = new Set<string>();
    pipeline.stages.forEach((stage, index) => {
      if (seen.has(stage.name))
        ctx.addIssue({ code: 'custom', path: ['stages', index, 'name'], message: `duplicate stage name "${stage.name}"` });
      seen.add(stage.name);
    });
  });
export type InlinePipeline = z.infer<typeof inlinePipelineSchema>;

export const startRunRequestSchema = z.object({
  component: nameSchema,
  team: nameSchema,
  solution: nameSchema,
  revision: z.string().min(1).optional(),
  /** Absolute path of the checked-out repository on the engine's host; tasks run there. */
  workspace: z.string().startsWith('/', 'must be an absolute path'),
  pipeline: inlinePipelineSchema,
});
export type StartRunRequest = z.infer<typeof startRunRequestSchema>;
