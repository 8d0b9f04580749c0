import { exampleGraph } from './graph.fixture';
import { pipelineGraphSchema } from './pipeline-graph';

describe('pipelineGraphSchema', () => {
  it('reads back a graph stored as JSON unchanged', () => {
    const graph = exampleGraph();
    const stored = JSON.parse(JSON.stringify(graph)) as unknown;
    expect(pipelineGraphSchema.parse(stored)).toEqual(graph);
  });

  it('rejects a snapshot that is not a graph of this version', () => {
    const graph = exampleGraph();
    expect(pipelineGraphSchema.safeParse({ ...graph, schemaVersion: 2 }).success).toBe(false);
    const broken = JSON.parse(JSON.stringify(graph)) as { stages: { sections: { main: { kind: string }[] } }[] };
    const step = broken.stages[0]?.sections.main[0];
    if (step) step.kind = 'sequence';
    expect(pipelineGraphSchema.safeParse(broken).success).toBe(false);
  });

  it('rejects a snapshot whose stages need a stage it does not have', () => {
    const graph = exampleGraph();
    const result = pipelineGraphSchema.safeParse({ ...graph, stages: graph.stages.filter((s) => s.name !== 'docs') });
    expect(result.success ? [] : result.error.issues.map((i) => i.message)).toEqual(['unknown stage "docs"']);
  });
});
