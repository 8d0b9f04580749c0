import { exampleGraph } from './graph.fixture';
import { type PipelineGraph, type Step } from './pipeline-graph';
import { selectOnly, selectTo } from './select';
import { PipelineGraphError } from './topological-order';

function shape(graph: PipelineGraph) {
  const steps = (list: Step[]) =>
    list.map((s) => (s.kind === 'task' ? s.task.name : s.lanes.map((l) => l.map((t) => t.name))));
  return graph.stages.map((s) => ({
    name: s.name,
    needs: s.needs,
    first: steps(s.sections.first),
    main: steps(s.sections.main),
    last: steps(s.sections.last),
  }));
}

describe(selectTo.name, () => {
  it('keeps a stage and everything it needs', () => {
    expect(shape(selectTo(exampleGraph(), 'docs')).map((s) => s.name)).toEqual(['docs']);
    expect(shape(selectTo(exampleGraph(), 'release')).map((s) => s.name)).toEqual(['build', 'docs', 'release']);
  });

  it('cuts the stage of a task after it, keeping only its lane and the clean-up section', () => {
    expect(shape(selectTo(exampleGraph(), 'build.deploy-a'))).toEqual([
      { name: 'build', needs: [], first: ['setup'], main: ['compile', [['deploy-a']]], last: ['clean'] },
    ]);
  });

  it('accepts a task name that only one stage has', () => {
    expect(shape(selectTo(exampleGraph(), 'setup'))[0]).toEqual({
      name: 'build',
      needs: [],
      first: ['setup'],
      main: [],
      last: ['clean'],
    });
  });

  it('rejects an unknown target with a suggestion', () => {
    expect(() => selectTo(exampleGraph(), 'relase')).toThrow(
      new PipelineGraphError('unknown-target', 'no stage or task "relase" in pipeline "shop"; did you mean "release"?'),
    );
  });
});

describe(selectOnly.name, () => {
  it('keeps one task in its stage, without needs but with environment and approval', () => {
    const graph = selectOnly(exampleGraph(), 'release.publish');
    expect(shape(graph)).toEqual([{ name: 'release', needs: [], first: [], main: ['publish'], last: [] }]);
    expect(graph.stages[0]?.approval).toEqual({ approvers: ['alice'] });
    expect(graph.stages[0]?.environment).toEqual({ lifetime: 'long-lived', name: 'production' });
  });

  it('rejects a stage and an unknown task', () => {
    expect(() => selectOnly(exampleGraph(), 'docs')).toThrow('"docs" is a stage; name one of its tasks: docs.site');
    expect(() => selectOnly(exampleGraph(), 'build.nope')).toThrow(PipelineGraphError);
  });
});
