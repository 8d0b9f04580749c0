import { z } from 'zod';

/** Just the part of a stored definition (a PipelineGraph) that says who approves which stage. */
const approvalsShape = z
  .object({
    stages: z.array(
      z.looseObject({ name: z.string(), approval: z.looseObject({ approvers: z.array(z.string()) }).optional() }),
    ),
  })
  .loose();

/** The approvers of a stage of a run's definition; empty when the stage asks for no approval. */
export function approversOf(definition: object, stage: string): string[] {
  const parsed = approvalsShape.safeParse(definition);
  if (!parsed.success) return [];
  return parsed.data.stages.find((s) => s.name === stage)?.approval?.approvers ?? [];
}
