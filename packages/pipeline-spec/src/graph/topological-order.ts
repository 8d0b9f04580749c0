import { type PipelineGraph } from './pipeline-graph';

export class PipelineGraphError extends Error {
  constructor(
    readonly code: 'needs-cycle' | 'unknown-need' | 'unknown-target' | 'ambiguous-target',
    message: string,
  ) {
    super(message);
    this.name = 'PipelineGraphError';
  }
}

/**
 * Orders nodes so that each comes after everything it `needs`; among nodes that are ready together the
 * one given first comes first (so file order is kept where the DAG allows). Needs that name no node
 * are ignored. Throws {@link PipelineGraphError} on a cycle.
 */
export function orderStages<T extends { name: string; needs: readonly string[] }>(nodes: readonly T[]): T[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const waiting = new Map(nodes.map((node) => [node.name, new Set(node.needs.filter((n) => byName.has(n)))]));
  const done = new Set<string>();
  const out: T[] = [];
  while (out.length < nodes.length) {
    const next = nodes.find(
      (node) => !done.has(node.name) && [...(waiting.get(node.name) ?? [])].every((n) => done.has(n)),
    );
    if (next === undefined) {
      const stuck = nodes.filter((node) => !done.has(node.name)).map((node) => node.name);
      throw new PipelineGraphError('needs-cycle', `stages ${stuck.join(', ')} need each other in a cycle`);
    }
    done.add(next.name);
    out.push(next);
  }
  return out;
}

/** Stage names of a graph in an order that respects `needs` (graph stages are stored in this order already). */
export function topologicalOrder(graph: Pick<PipelineGraph, 'stages'>): string[] {
  return orderStages(graph.stages).map((stage) => stage.name);
}
