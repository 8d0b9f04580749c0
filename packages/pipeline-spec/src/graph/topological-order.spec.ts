import { exampleGraph } from './graph.fixture';
import { orderStages, PipelineGraphError, topologicalOrder } from './topological-order';

describe(topologicalOrder.name, () => {
  it('puts every stage after its needs, keeping file order otherwise', () => {
    expect(topologicalOrder(exampleGraph())).toEqual(['build', 'docs', 'release']);
    expect(
      orderStages([
        { name: 'c', needs: ['a', 'b'] },
        { name: 'b', needs: [] },
        { name: 'a', needs: ['b'] },
      ]).map((s) => s.name),
    ).toEqual(['b', 'a', 'c']);
  });

  it('throws on a cycle', () => {
    expect(() =>
      orderStages([
        { name: 'a', needs: ['b'] },
        { name: 'b', needs: ['a'] },
      ]),
    ).toThrow(PipelineGraphError);
  });
});
